package dev.inertia.autodiff;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.inertia.kernels.KernelPool;
import dev.inertia.memory.Scope;
import dev.inertia.memory.Tensor;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * conv2d splits its images over the pool's threads: values and gradients must not depend on how
 * many threads there are, nor change when the tape recycles the op.
 */
class ConvolutionThreadsTest {
    private static float[] random(Random r, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return v;
    }

    private static double[][] run(int threads, Tensor x, Tensor w, Tensor b, Tensor weights) {
        return run(threads, x, w, b, weights, true);
    }

    /** y, dx (empty when x is a constant), dw and db of sum(y · weights). */
    private static double[][] run(int threads, Tensor x, Tensor w, Tensor b, Tensor weights, boolean inputGrad) {
        try (KernelPool pool = KernelPool.ofThreads(threads); KernelPool.Binding bound = pool.bind();
                Tape tape = new Tape()) {
            double[][] out = null;
            for (int rep = 0; rep < 2; rep++) {
                tape.reset();
                Var xv = inputGrad ? tape.param(x) : tape.constant(x), wv = tape.param(w), bv = tape.param(b);
                Var y = xv.conv2d(wv, bv, 1, 2);
                tape.backward(y.mul(tape.constant(weights)).sum());
                out = new double[][] {y.value().toDoubleArray(),
                        inputGrad ? xv.grad().toDoubleArray() : new double[0], wv.grad().toDoubleArray(),
                        bv.grad().toDoubleArray()};
            }
            return out;
        }
    }

    /** One group (5 small images), and 20 larger images in more groups than weight-gradient partials. */
    @ParameterizedTest
    @ValueSource(ints = {5, 20})
    void sameBitsOnOneAndThreeThreads(int n) {
        long seed = 51;
        Random r = new Random(seed);
        int c = n == 5 ? 3 : 8, h = n == 5 ? 9 : 28, o = 4, k = 5;
        try (Scope scope = Scope.open()) {
            Tensor x = Tensor.of(scope, random(r, n * c * h * h), n, c, h, h);
            Tensor w = Tensor.of(scope, random(r, o * c * k * k), o, c, k, k);
            Tensor b = Tensor.of(scope, random(r, o), o);
            Tensor weights = Tensor.of(scope, random(r, n * o * h * h), n, o, h, h);
            double[][] one = run(1, x, w, b, weights), three = run(3, x, w, b, weights);
            for (int i = 0; i < one.length; i++) {
                assertArrayEquals(one[i], three[i], "output " + i + " (seed " + seed + ")");
            }
        }
    }

    /**
     * A shallow window on an input without gradient is convolved directly (one and two channels,
     * 5×5: depths 25 and 50): the same bits on one and three threads, and against a direct sum.
     */
    @ParameterizedTest
    @CsvSource({"5, 1", "20, 1", "7, 2"})
    void directConvolutionSameBitsAndValues(int n, int c) {
        long seed = 53 + n + c;
        Random r = new Random(seed);
        int h = 28, o = 6, k = 5;
        assertTrue(c * k * k <= Convolution.DIRECT_MAX_DEPTH, "the window must be shallow enough to run directly");
        try (Scope scope = Scope.open()) {
            float[] xs = random(r, n * c * h * h), ws = random(r, o * c * k * k), bs = random(r, o),
                    gs = random(r, n * o * h * h);
            Tensor x = Tensor.of(scope, xs, n, c, h, h), w = Tensor.of(scope, ws, o, c, k, k), b = Tensor.of(scope, bs, o);
            Tensor weights = Tensor.of(scope, gs, n, o, h, h);
            double[][] one = run(1, x, w, b, weights, false), three = run(3, x, w, b, weights, false);
            for (int i = 0; i < one.length; i++) {
                assertArrayEquals(one[i], three[i], "output " + i + " (seed " + seed + ")");
            }
            double[][] want = reference(n, c, h, o, k, 2, xs, ws, bs, gs);
            assertClose(new double[][] {want[0], new double[0], want[2], want[3]}, one, seed);
        }
    }

    /**
     * Images large enough for several groups, the last one partial (see
     * {@link Convolution#groupSize}): values and gradients against a direct sum. With 20 or 27
     * images there are more groups than weight-gradient partial sums, so some partials add up
     * several groups. The 28-wide images run both passes directly (the weight gradient without
     * columns, the input gradient as a convolution of dY), the 10-wide ones through the lowering
     * (rows narrower than {@link Convolution#DIRECT_MIN_WIDTH}).
     */
    @ParameterizedTest
    @CsvSource({"5, 8, 28", "20, 8, 28", "27, 32, 10"})
    void groupedLoweringMatchesDirectConvolution(int n, int c, int h) {
        long seed = 52;
        Random r = new Random(seed);
        int o = 4, k = 5, pad = 2;
        int group = Convolution.groupSize(n, c * k * k, h * h, 4), groups = Math.ceilDiv(n, group);
        assertTrue(group > 1 && n % group != 0, "the shapes must give several groups, the last partial: " + group);
        assertTrue(n < 20 || groups > Convolution.WEIGHT_PARTIALS, "more groups than partial sums: " + groups);
        try (Scope scope = Scope.open()) {
            float[] xs = random(r, n * c * h * h), ws = random(r, o * c * k * k), bs = random(r, o),
                    gs = random(r, n * o * h * h);
            double[][] got = run(2, Tensor.of(scope, xs, n, c, h, h), Tensor.of(scope, ws, o, c, k, k),
                    Tensor.of(scope, bs, o), Tensor.of(scope, gs, n, o, h, h));
            double[][] want = reference(n, c, h, o, k, pad, xs, ws, bs, gs);
            assertClose(want, got, seed);
        }
    }

    /** In double: {y, dx, dw, db} of sum(conv2d(x, w, b) · g), stride 1, square images. */
    private static double[][] reference(int n, int c, int h, int o, int k, int pad, float[] xs, float[] ws, float[] bs,
            float[] gs) {
        double[] y = new double[n * o * h * h], dx = new double[xs.length], dw = new double[ws.length],
                db = new double[o];
        for (int i = 0; i < n; i++) {
            for (int oc = 0; oc < o; oc++) {
                for (int oy = 0; oy < h; oy++) {
                    for (int ox = 0; ox < h; ox++) {
                        int yi = ((i * o + oc) * h + oy) * h + ox;
                        double sum = bs[oc];
                        db[oc] += gs[yi];
                        for (int ci = 0; ci < c; ci++) {
                            for (int ky = 0; ky < k; ky++) {
                                for (int kx = 0; kx < k; kx++) {
                                    int iy = oy + ky - pad, ix = ox + kx - pad;
                                    if (iy < 0 || iy >= h || ix < 0 || ix >= h) {
                                        continue;
                                    }
                                    int xi = ((i * c + ci) * h + iy) * h + ix, wi = ((oc * c + ci) * k + ky) * k + kx;
                                    sum += (double) ws[wi] * xs[xi];
                                    dx[xi] += (double) ws[wi] * gs[yi];
                                    dw[wi] += (double) xs[xi] * gs[yi];
                                }
                            }
                        }
                        y[yi] = sum;
                    }
                }
            }
        }
        return new double[][] {y, dx, dw, db};
    }

    private static void assertClose(double[][] want, double[][] got, long seed) {
        for (int t = 0; t < want.length; t++) {
            assertEquals(want[t].length, got[t].length, "output " + t + " length");
            for (int j = 0; j < want[t].length; j++) {
                double tol = 1e-4 * (20 + Math.abs(want[t][j]));
                assertEquals(want[t][j], got[t][j], tol, "output " + t + " index " + j + " (seed " + seed + ")");
            }
        }
    }
}
