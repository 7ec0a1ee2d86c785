package dev.inertia.autodiff;

import static dev.inertia.autodiff.GradCheck.check;
import static dev.inertia.autodiff.GradCheck.random;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.inertia.memory.DType;
import dev.inertia.memory.Scope;
import dev.inertia.memory.Tensor;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The fused fully connected op ({@link Var#linear}, {@link Var#linearRelu}): gradients against
 * finite differences in F64, bitwise equality with the unfused ops in F32 (values, gradients,
 * kink counts), the ReLU'(0) policy at exact zeros, and node recycling across tape runs.
 */
class AffineTest {
    private static float[] randomF(Random r, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (r.nextGaussian() * 0.5);
        }
        return v;
    }

    @Test
    void gradientsMatchFiniteDifferences() {
        long seed = 41;
        Random r = new Random(seed);
        int n = 5, in = 7, out = 6;
        try (Scope scope = Scope.open()) {
            double[] xv = random(r, n * in, 1, 0), wv = random(r, out * in, 1, 0), bv = random(r, out, 1, 0);
            double[] weights = random(r, n * out, 1, 0);
            Tensor xt = Tensor.of(scope, xv, n, in), wt = Tensor.of(scope, wv, out, in), bt = Tensor.of(scope, bv, out);
            Tensor ct = Tensor.of(scope, weights, n, out);
            // The ReLU's kink at 0 is avoided: every pre-activation is checked to stay away from it.
            for (boolean relu : new boolean[] {false, true}) {
                Function<Var, Var> ofX = x -> head(layer(relu, x, x.tape().constant(wt), x.tape().constant(bt)), ct);
                Function<Var, Var> ofW = w -> head(layer(relu, w.tape().constant(xt), w, w.tape().constant(bt)), ct);
                Function<Var, Var> ofB = b -> head(layer(relu, b.tape().constant(xt), b.tape().constant(wt), b), ct);
                requireAwayFromKinks(scope, xt, wt, bt, seed);
                check("linear" + (relu ? "Relu" : "") + " d/dx", seed, ofX, xv, n, in);
                check("linear" + (relu ? "Relu" : "") + " d/dW", seed, ofW, wv, out, in);
                check("linear" + (relu ? "Relu" : "") + " d/db", seed, ofB, bv, out);
            }
        }
    }

    private static Var layer(boolean relu, Var x, Var w, Var b) {
        return relu ? x.linearRelu(w, b) : x.linear(w, b);
    }

    private static Var head(Var y, Tensor weights) {
        return y.mul(y.tape().constant(weights)).sum();
    }

    private static void requireAwayFromKinks(Scope scope, Tensor x, Tensor w, Tensor b, long seed) {
        double[] z = AD.value(v -> v.matmul(v.tape().constant(w), false, true).addBias(v.tape().constant(b)), x)
                .toDoubleArray();
        for (double v : z) {
            if (Math.abs(v) < 1e-3) {
                throw new IllegalStateException("test data has a pre-activation near 0 (seed " + seed + ")");
            }
        }
    }

    /** Runs the fused or the unfused layer pair on a fresh tape; returns values, gradients and kink counts. */
    private static double[][] run(boolean fused, Tensor x, Tensor w1, Tensor b1, Tensor w2, Tensor b2, int[] labels,
            Kinks kinks) {
        try (Tape tape = new Tape(kinks)) {
            double[][] result = null;
            for (int rep = 0; rep < 2; rep++) { // recycled nodes must give the same results
                tape.reset();
                Var xv = tape.param(x), w1v = tape.param(w1), b1v = tape.param(b1), w2v = tape.param(w2),
                        b2v = tape.param(b2);
                Var h = fused ? xv.linearRelu(w1v, b1v)
                        : xv.matmul(w1v, false, true).addBias(b1v).relu();
                Var logits = fused ? h.linear(w2v, b2v) : h.matmul(w2v, false, true).addBias(b2v);
                Var loss = logits.softmaxCrossEntropy(labels);
                tape.backward(loss);
                KinkReport k = tape.kinkReport();
                double[][] now = {h.value().toDoubleArray(), logits.value().toDoubleArray(),
                        xv.grad().toDoubleArray(), w1v.grad().toDoubleArray(), b1v.grad().toDoubleArray(),
                        w2v.grad().toDoubleArray(), b2v.grad().toDoubleArray(), {k.hits(), k.live()}};
                if (result != null) {
                    for (int i = 0; i < now.length; i++) {
                        assertArrayEquals(result[i], now[i], "run " + rep + ", output " + i);
                    }
                }
                result = now;
            }
            return result;
        }
    }

    @Test
    void fusedEqualsUnfusedBitwiseWithKinks() {
        long seed = 42;
        Random r = new Random(seed);
        int n = 9, in = 1030, hidden = 24, out = 10; // in beyond one K block of the GEMM (1024 floats)
        try (Scope scope = Scope.open()) {
            float[] xv = randomF(r, n * in), w1 = randomF(r, hidden * in);
            // Rows of x that are zero and a zero bias make exact zero pre-activations: kinks.
            for (int i = 0; i < 5 * in; i++) {
                xv[i] = 0;
            }
            float[] b1 = randomF(r, hidden);
            for (int j = 0; j < hidden; j += 3) {
                b1[j] = 0;
            }
            int[] labels = new int[n];
            for (int i = 0; i < n; i++) {
                labels[i] = r.nextInt(out);
            }
            Tensor x = Tensor.of(scope, xv, n, in), tw1 = Tensor.of(scope, w1, hidden, in), tb1 = Tensor.of(scope, b1,
                    hidden), tw2 = Tensor.of(scope, randomF(r, out * hidden), out, hidden), tb2 = Tensor.of(scope,
                    randomF(r, out), out);
            for (double s : new double[] {0, 1, 0.5}) {
                Kinks k = Kinks.defaults().relu(s);
                double[][] fused = run(true, x, tw1, tb1, tw2, tb2, labels, k);
                double[][] plain = run(false, x, tw1, tb1, tw2, tb2, labels, k);
                for (int i = 0; i < fused.length; i++) {
                    assertArrayEquals(plain[i], fused[i], "output " + i + " with ReLU'(0) = " + s + " (seed " + seed
                            + ")");
                }
                assertEquals(5.0 * ((hidden + 2) / 3), fused[7][0], "kink hits: 5 zero rows, a zero bias every third unit");
            }
        }
    }

    @Test
    void reluAtZeroPolicyAtExactZeros() {
        try (Scope scope = Scope.open(); Tape tape = new Tape(Kinks.defaults().relu(0.25))) {
            // z = x · wᵀ + b = [0, 2, -1]: one kink, one active unit, one inactive.
            Var x = tape.param(Tensor.of(scope, new double[] {1, 1}, 1, 2));
            Var w = tape.param(Tensor.of(scope, new double[] {1, -1, 1, 1, -1, 0}, 3, 2));
            Var b = tape.param(Tensor.of(scope, new double[] {0, 0, 0}, 3));
            Var y = x.linearRelu(w, b);
            tape.backward(y.sum());
            assertArrayEquals(new double[] {0, 2, 0}, y.value().toDoubleArray());
            assertArrayEquals(new double[] {0.25, 1, 0}, b.grad().toDoubleArray());
            assertArrayEquals(new double[] {0.25 + 1, -0.25 + 1}, x.grad().toDoubleArray());
            KinkReport k = tape.kinkReport();
            assertEquals("linearRelu", k.ops().get(0).op());
            assertEquals(1, k.hits());
            assertEquals(1, k.live());
        }
    }

    @Test
    void badShapesAreRejected() {
        try (Scope scope = Scope.open(); Tape tape = new Tape()) {
            Var x = tape.param(Tensor.zeros(scope, DType.F32, 2, 3));
            Var w = tape.param(Tensor.zeros(scope, DType.F32, 4, 5));
            Var b = tape.param(Tensor.zeros(scope, DType.F32, 4));
            assertThrows(IllegalArgumentException.class, () -> x.linear(w, b));
            Var w2 = tape.param(Tensor.zeros(scope, DType.F32, 4, 3));
            Var b2 = tape.param(Tensor.zeros(scope, DType.F32, 5));
            assertThrows(IllegalArgumentException.class, () -> x.linear(w2, b2));
        }
    }
}
