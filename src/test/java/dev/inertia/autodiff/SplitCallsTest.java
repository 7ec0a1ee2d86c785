package dev.inertia.autodiff;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.inertia.kernels.KernelPool;
import dev.inertia.memory.DType;
import dev.inertia.memory.Scope;
import dev.inertia.memory.Tensor;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * ReLU and max pooling split their large calls over the pool's threads ({@link SplitCalls}):
 * values, gradients and kink counts must be the same bits on one thread and on three, for sizes
 * that are not multiples of a chunk, with exact zeros (ReLU kinks) and ties (pooling kinks).
 */
class SplitCallsTest {
    /** Rounded to quarters so that zeros and ties are common; a few exact zeros per row. */
    private static double[] values(Random r, int n) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = i % 7 == 0 ? 0 : Math.round(r.nextGaussian() * 4) / 4.0;
        }
        return v;
    }

    private static Tensor tensor(Scope scope, DType dtype, double[] v, int... shape) {
        Tensor t = Tensor.zeros(scope, dtype, shape);
        for (int i = 0; i < v.length; i++) {
            t.setDouble(i, v[i]);
        }
        return t;
    }

    /** relu then 2×2 max pooling, weighted sum: values, input gradient and the kink counts. */
    private static double[][] run(int threads, Tensor x, Tensor weights) {
        try (KernelPool pool = KernelPool.ofThreads(threads); KernelPool.Binding bound = pool.bind();
                Tape tape = new Tape(Kinks.defaults().relu(0.5))) {
            double[][] out = null;
            for (int rep = 0; rep < 2; rep++) { // the second time through recycled nodes
                tape.reset();
                Var xv = tape.param(x);
                Var r = xv.relu();
                Var p = r.maxPool2d(2);
                tape.backward(p.mul(tape.constant(weights)).sum());
                KinkReport kinks = tape.kinkReport();
                out = new double[][] {r.value().toDoubleArray(), p.value().toDoubleArray(), xv.grad().toDoubleArray(),
                        {kinks.hits(), kinks.live()}};
            }
            return out;
        }
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"F32", "F64"})
    void sameBitsOnOneAndThreeThreads(DType dtype) {
        long seed = 61;
        Random r = new Random(seed);
        // 7 × 9 planes of 30 × 34 (odd plane count, rows not a multiple of any vector): 64,260 elements
        int n = 7, c = 9, h = 30, w = 34;
        assertTrue((long) n * c * h * w < SplitCalls.MIN_ELEMENTS * 2 && (long) n * c * h * w * 2 > SplitCalls.MIN_ELEMENTS);
        for (int scale : new int[] {1, 2}) {
            int images = n * scale;
            try (Scope scope = Scope.open()) {
                Tensor x = tensor(scope, dtype, values(r, images * c * h * w), images, c, h, w);
                Tensor weights = tensor(scope, dtype, values(r, images * c * (h / 2) * (w / 2)), images, c, h / 2, w / 2);
                double[][] one = run(1, x, weights), three = run(3, x, weights);
                String what = dtype + ", " + images + " images (seed " + seed + ")";
                assertArrayEquals(one[0], three[0], "relu values, " + what);
                assertArrayEquals(one[1], three[1], "pooled values, " + what);
                assertArrayEquals(one[2], three[2], "input gradient, " + what);
                assertArrayEquals(one[3], three[3], "kink hits and live hits, " + what);
                assertTrue(one[3][0] > 0, "the data must reach kinks: " + what);
                if (scale == 2) {
                    assertTrue((long) images * c * h * w >= SplitCalls.MIN_ELEMENTS, "large enough to split");
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"F32", "F64"})
    void splitReluMatchesElementwiseDefinition(DType dtype) {
        long seed = 62;
        Random r = new Random(seed);
        int n = (int) SplitCalls.MIN_ELEMENTS * 3 + 37;
        try (KernelPool pool = KernelPool.ofThreads(2); KernelPool.Binding bound = pool.bind();
                Scope scope = Scope.open(); Tape tape = new Tape(Kinks.defaults().relu(0.25))) {
            double[] xs = values(r, n), gs = values(r, n);
            Tensor x = tensor(scope, dtype, xs, n), g = tensor(scope, dtype, gs, n);
            Var xv = tape.param(x);
            Var y = xv.relu();
            tape.backward(y.mul(tape.constant(g)).sum());
            double[] got = y.value().toDoubleArray(), grad = xv.grad().toDoubleArray();
            long hits = 0, live = 0;
            for (int i = 0; i < n; i++) {
                assertEquals(Math.max(xs[i], 0), got[i], "relu at " + i + " (seed " + seed + ")");
                double slope = xs[i] > 0 ? 1 : xs[i] == 0 ? 0.25 : 0;
                assertEquals(gs[i] * slope, grad[i], 1e-12, "gradient at " + i + " (seed " + seed + ")");
                if (xs[i] == 0) {
                    hits++;
                    live += gs[i] != 0 ? 1 : 0;
                }
            }
            assertEquals(hits, tape.kinkReport().hits(), "kink hits (seed " + seed + ")");
            assertEquals(live, tape.kinkReport().live(), "live kink hits (seed " + seed + ")");
        }
    }
}
