package dev.inertia.kernels.scalar;

import dev.inertia.kernels.PeakKernels;

/**
 * The scalar twin of the peak probe: eight independent {@code Math.fma} chains (enough for two
 * FMA units of latency four), the scalar FMA rate of a core.
 */
public final class ScalarPeak implements PeakKernels {
    @Override
    public int chains() {
        return 8;
    }

    @Override
    public int lanes() {
        return 1;
    }

    @Override
    public float[] fmaChains(long iterations) {
        float a = MULTIPLIER, b = ADDEND;
        float c0 = PeakKernels.start(0), c1 = PeakKernels.start(1), c2 = PeakKernels.start(2), c3 = PeakKernels.start(3);
        float c4 = PeakKernels.start(4), c5 = PeakKernels.start(5), c6 = PeakKernels.start(6), c7 = PeakKernels.start(7);
        for (long i = 0; i < iterations; i++) {
            c0 = Math.fma(c0, a, b);
            c1 = Math.fma(c1, a, b);
            c2 = Math.fma(c2, a, b);
            c3 = Math.fma(c3, a, b);
            c4 = Math.fma(c4, a, b);
            c5 = Math.fma(c5, a, b);
            c6 = Math.fma(c6, a, b);
            c7 = Math.fma(c7, a, b);
        }
        return new float[] {c0, c1, c2, c3, c4, c5, c6, c7};
    }
}
