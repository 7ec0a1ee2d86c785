package dev.inertia.autodiff;

import static dev.inertia.autodiff.GradCheck.check;
import static dev.inertia.autodiff.GradCheck.random;
import static dev.inertia.autodiff.GradCheck.weighted;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.inertia.memory.DType;
import dev.inertia.memory.Scope;
import dev.inertia.memory.Tensor;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** softmax and logSoftmax over the last axis: values, stability, gradients and tangents in F64. */
class SoftmaxTest {
    @Test
    void gradientsAndTangentsMatchFiniteDifferences() {
        long seed = 31;
        Random r = new Random(seed);
        try (Scope scope = Scope.open()) {
            for (int[] shape : new int[][] {{5, 4}, {2, 3, 4}, {7}, {3, 1}}) {
                int n = 1;
                for (int d : shape) {
                    n *= d;
                }
                double[] x = random(r, n, 3, 0);
                String s = java.util.Arrays.toString(shape);
                check("softmax " + s, seed, weighted(scope, seed, Var::softmax), x, shape);
                check("logSoftmax " + s, seed, weighted(scope, seed, Var::logSoftmax), x, shape);
                // a value used twice downstream: gradients accumulate into the same input
                check("softmax · x " + s, seed, weighted(scope, seed, v -> v.softmax().mul(v)), x, shape);
                check("logSoftmax · x " + s, seed, weighted(scope, seed, v -> v.logSoftmax().mul(v)), x, shape);
            }
        }
    }

    @Test
    void valuesByHand() {
        try (Scope scope = Scope.open(); Tape tape = new Tape()) {
            Var x = tape.constant(Tensor.of(scope, new double[] {1, 2, 3, 0, 0, Math.log(2)}, 2, 3));
            double z = Math.E + Math.exp(2) + Math.exp(3);
            double[] want = {Math.E / z, Math.exp(2) / z, Math.exp(3) / z, 0.25, 0.25, 0.5};
            assertArrayEquals(want, x.softmax().value().toDoubleArray(), 1e-15);
            double[] logs = x.logSoftmax().value().toDoubleArray();
            for (int i = 0; i < 6; i++) {
                assertEquals(Math.log(want[i]), logs[i], 1e-15, "log-softmax " + i);
            }
        }
    }

    @Test
    void largeLogitsDoNotOverflow() {
        try (Scope scope = Scope.open(); Tape tape = new Tape()) {
            Var big = tape.param(Tensor.of(scope, new double[] {1000, 1001, 1002, -1000, 0, 1000}, 2, 3));
            Var small = tape.constant(Tensor.of(scope, new double[] {0, 1, 2}, 3));
            double[] p = big.softmax().value().toDoubleArray();
            double[] q = small.softmax().value().toDoubleArray();
            for (int j = 0; j < 3; j++) {
                assertEquals(q[j], p[j], 1e-15, "shift invariance");
            }
            assertArrayEquals(new double[] {0, 0, 1}, new double[] {p[3], p[4], p[5]}, 1e-300);
            double[] l = big.logSoftmax().value().toDoubleArray();
            assertEquals(-2000, l[3], 1e-12);
            assertEquals(0, l[5], 1e-15);
            tape.backward(big.logSoftmax().sum());
            for (double g : big.grad().toDoubleArray()) {
                assertTrue(Double.isFinite(g), "finite gradient " + g);
            }
        }
    }

    @Test
    void rowsSumToOneInF32AndGradientOfSumIsZero() {
        try (Scope scope = Scope.open(); Tape tape = new Tape()) {
            float[] v = new float[4 * 9];
            Random r = new Random(3);
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) (r.nextGaussian() * 5);
            }
            Var x = tape.param(Tensor.of(scope, v, 4, 9));
            Var y = x.softmax();
            assertEquals(DType.F32, y.dtype());
            float[] p = y.value().toFloatArray();
            for (int row = 0; row < 4; row++) {
                double s = 0;
                for (int j = 0; j < 9; j++) {
                    s += p[row * 9 + j];
                }
                assertEquals(1, s, 1e-6, "row " + row);
            }
            tape.backward(y.sum()); // the rows' sums are constant: zero gradient
            for (float g : x.grad().toFloatArray()) {
                assertEquals(0, g, 1e-6);
            }
        }
    }

    @Test
    void scalarsAreRefused() {
        try (Scope scope = Scope.open(); Tape tape = new Tape()) {
            Var s = tape.constant(3, DType.F64);
            assertThrows(IllegalArgumentException.class, s::softmax);
            assertThrows(IllegalArgumentException.class, s::logSoftmax);
        }
    }
}
