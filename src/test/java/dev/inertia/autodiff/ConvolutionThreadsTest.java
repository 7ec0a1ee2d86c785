package dev.inertia.autodiff;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.inertia.kernels.Parallel;
import dev.inertia.memory.Scope;
import dev.inertia.memory.Tensor;
import java.util.Random;
import org.junit.jupiter.api.Test;

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

    @Test
    void sameBitsOnOneAndThreeThreads() {
        long seed = 51;
        Random r = new Random(seed);
        int n = 5, c = 3, h = 9, o = 4, k = 5;
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
}
