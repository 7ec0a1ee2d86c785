package dev.inertia.autodiff;

import static dev.inertia.autodiff.GradCheck.checkAll;
import static dev.inertia.autodiff.GradCheck.random;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.inertia.memory.Scope;
import dev.inertia.memory.Tensor;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** layerNorm over the last axis: values by hand, gradients to x, gamma and beta, tangents on all three. */
class LayerNormTest {
    @Test
    void gradientsAndTangentsToInputGammaAndBeta() {
        long seed = 61;
        Random r = new Random(seed);
        for (int[] shape : new int[][] {{4, 5}, {2, 3, 5}, {5}}) {
            int n = 1;
            for (int d : shape) {
                n *= d;
            }
            double[] x = random(r, n, 2, 0), gamma = random(r, 5, 2, 0.2), beta = random(r, 5, 1, 0);
            double[] w = random(r, n, 1, 0);
            int[] s = shape;
            try (Scope scope = Scope.open()) {
                Tensor weights = Tensor.of(scope, w, s);
                // a weighted sum (every output element matters differently), then all three as params
                checkAll("layerNorm " + java.util.Arrays.toString(s), seed, v -> v[0].layerNorm(v[1], v[2], 1e-5)
                        .mul(v[0].tape().constant(weights)).sum(), new double[][] {x, gamma, beta}, s, new int[] {5},
                        new int[] {5});
                // x alone (gamma, beta constant), and x used twice
                Tensor g = Tensor.of(scope, gamma, 5), b = Tensor.of(scope, beta, 5);
                checkAll("layerNorm wrt x " + java.util.Arrays.toString(s), seed, v -> v[0].layerNorm(
                        v[0].tape().constant(g), v[0].tape().constant(b), 1e-5).mul(v[0]).sum(), new double[][] {x}, s);
            }
        }
    }

    @Test
    void valuesByHand() {
        try (Scope scope = Scope.open(); Tape tape = new Tape()) {
            Var x = tape.constant(Tensor.of(scope, new double[] {1, 2, 3, 4, -1, -1, -1, -1}, 2, 4));
            Var gamma = tape.param(Tensor.of(scope, new double[] {1, 2, 1, 1}, 4));
            Var beta = tape.param(Tensor.of(scope, new double[] {0, 0, 0, 0.5}, 4));
            double s = 1 / Math.sqrt(1.25 + 1e-5); // mean 2.5, biased variance 1.25
            Var y = x.layerNorm(gamma, beta, 1e-5);
            assertArrayEquals(new double[] {-1.5 * s, -2 * 0.5 * s, 0.5 * s, 1.5 * s + 0.5, 0, 0, 0, 0.5},
                    y.value().toDoubleArray(), 1e-15, "a constant row normalizes to beta");
            tape.backward(y.sum());
            assertArrayEquals(new double[] {-1.5 * s, -0.5 * s, 0.5 * s, 1.5 * s}, gamma.grad().toDoubleArray(), 1e-15,
                    "xhat summed over rows (the constant row's is 0)");
            assertArrayEquals(new double[] {2, 2, 2, 2}, beta.grad().toDoubleArray(), 1e-15);
        }
    }

    @Test
    void shapeErrors() {
        try (Scope scope = Scope.open(); Tape tape = new Tape()) {
            Var x = tape.constant(Tensor.of(scope, new double[6], 2, 3));
            Var three = tape.constant(Tensor.of(scope, new double[3], 3));
            Var two = tape.constant(Tensor.of(scope, new double[2], 2));
            assertThrows(IllegalArgumentException.class, () -> x.layerNorm(two, three, 1e-5));
            assertThrows(IllegalArgumentException.class, () -> x.layerNorm(three, three, 0));
            Var f32 = tape.constant(Tensor.of(scope, new float[3], 3));
            assertThrows(IllegalArgumentException.class, () -> x.layerNorm(f32, three, 1e-5));
            assertEquals(2, x.layerNorm(three, three, 1e-5).shape()[0]);
        }
    }
}
