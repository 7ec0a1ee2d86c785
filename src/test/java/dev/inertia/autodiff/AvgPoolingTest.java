package dev.inertia.autodiff;

import static dev.inertia.autodiff.GradCheck.check;
import static dev.inertia.autodiff.GradCheck.random;
import static dev.inertia.autodiff.GradCheck.weighted;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.inertia.memory.Scope;
import dev.inertia.memory.Tensor;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * avgPool2d (count_include_pad, as PyTorch's default) and globalAvgPool2d: values by hand,
 * gradients and tangents in F64, shape errors.
 */
class AvgPoolingTest {
    @Test
    void gradientsAndTangentsMatchFiniteDifferences() {
        long seed = 51;
        Random r = new Random(seed);
        double[] x = random(r, 2 * 2 * 5 * 5, 2, 0);
        try (Scope scope = Scope.open()) {
            check("avgPool 2", seed, weighted(scope, seed, v -> v.avgPool2d(2)), x, 2, 2, 5, 5);
            check("avgPool 3 stride 1", seed, weighted(scope, seed, v -> v.avgPool2d(3, 1, 0)), x, 2, 2, 5, 5);
            check("avgPool 3 stride 2 pad 1", seed, weighted(scope, seed, v -> v.avgPool2d(3, 2, 1)), x, 2, 2, 5, 5);
            check("avgPool 2 stride 1 pad 1, used twice", seed,
                    weighted(scope, seed, v -> v.avgPool2d(2, 1, 1).add(v.avgPool2d(2, 1, 1).tanh())), x, 2, 2, 5, 5);
            check("globalAvgPool", seed, weighted(scope, seed, Var::globalAvgPool2d), x, 2, 2, 5, 5);
            check("globalAvgPool of squares", seed, weighted(scope, seed, v -> v.mul(v).globalAvgPool2d()), x,
                    2, 2, 5, 5);
        }
    }

    @Test
    void valuesByHandWithPaddingCountedInTheDivisor() {
        try (Scope scope = Scope.open(); Tape tape = new Tape()) {
            // one 3x3 plane 1..9
            Var x = tape.param(Tensor.of(scope, new double[] {1, 2, 3, 4, 5, 6, 7, 8, 9}, 1, 1, 3, 3));
            Var y = x.avgPool2d(2, 2, 1); // windows at rows/cols -1..0 and 1..2: 2x2 outputs
            assertArrayEquals(new int[] {1, 1, 2, 2}, y.shape());
            assertArrayEquals(new double[] {1 / 4.0, (2 + 3) / 4.0, (4 + 7) / 4.0, (5 + 6 + 8 + 9) / 4.0},
                    y.value().toDoubleArray(), 1e-15);
            assertArrayEquals(new double[] {3, 4, 6, 7}, x.avgPool2d(2, 1, 0).value().toDoubleArray(), 1e-15);
            tape.backward(y.sum());
            // every input lies in exactly one window here: 1/4 each
            for (double g : x.grad().toDoubleArray()) {
                assertEquals(0.25, g, 1e-15);
            }
            tape.reset();
            x = tape.param(Tensor.of(scope, new double[] {1, 2, 3, 4, 5, 6, 7, 8, 9}, 1, 1, 3, 3));
            tape.backward(x.avgPool2d(2, 1, 0).sum());
            assertArrayEquals(new double[] {0.25, 0.5, 0.25, 0.5, 1, 0.5, 0.25, 0.5, 0.25}, x.grad().toDoubleArray(),
                    1e-15, "overlapping windows add up");
        }
    }

    @Test
    void globalAvgPoolMeansEachPlane() {
        try (Scope scope = Scope.open(); Tape tape = new Tape()) {
            double[] v = new double[2 * 3 * 2 * 2];
            for (int i = 0; i < v.length; i++) {
                v[i] = i;
            }
            Var x = tape.param(Tensor.of(scope, v, 2, 3, 2, 2));
            Var y = x.globalAvgPool2d();
            assertArrayEquals(new int[] {2, 3}, y.shape());
            assertArrayEquals(new double[] {1.5, 5.5, 9.5, 13.5, 17.5, 21.5}, y.value().toDoubleArray(), 1e-15);
            tape.backward(y.sum());
            for (double g : x.grad().toDoubleArray()) {
                assertEquals(0.25, g, 1e-15);
            }
        }
    }

    @Test
    void shapeErrors() {
        try (Scope scope = Scope.open(); Tape tape = new Tape()) {
            Var flat = tape.constant(Tensor.of(scope, new double[16], 4, 4));
            assertThrows(IllegalArgumentException.class, () -> flat.avgPool2d(2));
            assertThrows(IllegalArgumentException.class, flat::globalAvgPool2d);
            Var x = tape.constant(Tensor.of(scope, new double[16], 1, 1, 4, 4));
            assertThrows(IllegalArgumentException.class, () -> x.avgPool2d(2, 2, 2), "padding above k / 2");
            assertThrows(IllegalArgumentException.class, () -> x.avgPool2d(5, 1, 0), "window larger than the plane");
        }
    }
}
