package dev.inertia.autodiff;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.inertia.kernels.Parallel;
import dev.inertia.memory.Scope;
import dev.inertia.memory.Tensor;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
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
        int saved = Parallel.threads();
        Parallel.setThreads(threads);
        try (Tape tape = new Tape()) {
            double[][] out = null;
            for (int rep = 0; rep < 2; rep++) {
                tape.reset();
                Var xv = tape.param(x), wv = tape.param(w), bv = tape.param(b);
                Var y = xv.conv2d(wv, bv, 1, 2);
                tape.backward(y.mul(tape.constant(weights)).sum());
                out = new double[][] {y.value().toDoubleArray(), xv.grad().toDoubleArray(), wv.grad().toDoubleArray(),
                        bv.grad().toDoubleArray()};
            }
            return out;
        } finally {
            Parallel.setThreads(saved);
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
     * Images large enough for several groups, the last one partial (see
     * {@link Convolution#groupSize}): values and gradients against a direct convolution. With 20
     * images there are more groups than weight-gradient partial sums, so some partials add up
     * several groups.
     */
    @ParameterizedTest
    @ValueSource(ints = {5, 20})
    void groupedLoweringMatchesDirectConvolution(int n) {
        long seed = 52;
        Random r = new Random(seed);
        int c = 8, h = 28, o = 4, k = 5, pad = 2;
        int group = Convolution.groupSize(n, c * k * k, h * h, 4), groups = Math.ceilDiv(n, group);
        assertTrue(group > 1 && n % group != 0, "the shapes must give several groups, the last partial: " + group);
        assertTrue(n < 20 || groups > Convolution.WEIGHT_PARTIALS, "more groups than partial sums: " + groups);
        try (Scope scope = Scope.open()) {
            float[] xs = random(r, n * c * h * h), ws = random(r, o * c * k * k), bs = random(r, o),
                    gs = random(r, n * o * h * h);
            double[][] got = run(2, Tensor.of(scope, xs, n, c, h, h), Tensor.of(scope, ws, o, c, k, k),
                    Tensor.of(scope, bs, o), Tensor.of(scope, gs, n, o, h, h));
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
            double[][] want = {y, dx, dw, db};
            for (int t = 0; t < want.length; t++) {
                for (int j = 0; j < want[t].length; j++) {
                    double tol = 1e-4 * (20 + Math.abs(want[t][j]));
                    assertEquals(want[t][j], got[t][j], tol, "output " + t + " index " + j + " (seed " + seed + ")");
                }
            }
        }
    }
}
