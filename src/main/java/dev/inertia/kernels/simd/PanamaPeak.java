package dev.inertia.kernels.simd;

import dev.inertia.kernels.PeakKernels;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The peak probe on the Vector API: independent FMA chains on full float vectors. Sixteen chains
 * at 512 bits (AVX-512 has 32 vector registers; two FMA units of latency four need eight in
 * flight, so sixteen leave slack), ten at narrower widths (16 registers on AVX2, two of them
 * holding the constants). Each width's loop is written out, and each chain stored on its own
 * after it (passing them on as an array made C2 box every vector inside the loop: 1 GFLOP/s).
 */
public final class PanamaPeak implements PeakKernels {
    private static final VectorSpecies<Float> F = Widths.F;
    private static final int L = F.length();
    private static final int CHAINS = F.vectorBitSize() >= 512 ? 16 : 10;

    public PanamaPeak() {}

    @Override
    public int chains() {
        return CHAINS;
    }

    @Override
    public int lanes() {
        return F.length();
    }

    @Override
    public float[] fmaChains(long iterations) {
        return CHAINS == 16 ? sixteenChains(iterations) : tenChains(iterations);
    }

    private static float[] sixteenChains(long iterations) {
        FloatVector a = FloatVector.broadcast(F, MULTIPLIER), b = FloatVector.broadcast(F, ADDEND);
        FloatVector c0 = start(0);
        FloatVector c1 = start(1);
        FloatVector c2 = start(2);
        FloatVector c3 = start(3);
        FloatVector c4 = start(4);
        FloatVector c5 = start(5);
        FloatVector c6 = start(6);
        FloatVector c7 = start(7);
        FloatVector c8 = start(8);
        FloatVector c9 = start(9);
        FloatVector c10 = start(10);
        FloatVector c11 = start(11);
        FloatVector c12 = start(12);
        FloatVector c13 = start(13);
        FloatVector c14 = start(14);
        FloatVector c15 = start(15);
        for (long i = 0; i < iterations; i++) {
            c0 = c0.fma(a, b);
            c1 = c1.fma(a, b);
            c2 = c2.fma(a, b);
            c3 = c3.fma(a, b);
            c4 = c4.fma(a, b);
            c5 = c5.fma(a, b);
            c6 = c6.fma(a, b);
            c7 = c7.fma(a, b);
            c8 = c8.fma(a, b);
            c9 = c9.fma(a, b);
            c10 = c10.fma(a, b);
            c11 = c11.fma(a, b);
            c12 = c12.fma(a, b);
            c13 = c13.fma(a, b);
            c14 = c14.fma(a, b);
            c15 = c15.fma(a, b);
        }
        float[] out = new float[16 * L];
        c0.intoArray(out, 0 * L);
        c1.intoArray(out, 1 * L);
        c2.intoArray(out, 2 * L);
        c3.intoArray(out, 3 * L);
        c4.intoArray(out, 4 * L);
        c5.intoArray(out, 5 * L);
        c6.intoArray(out, 6 * L);
        c7.intoArray(out, 7 * L);
        c8.intoArray(out, 8 * L);
        c9.intoArray(out, 9 * L);
        c10.intoArray(out, 10 * L);
        c11.intoArray(out, 11 * L);
        c12.intoArray(out, 12 * L);
        c13.intoArray(out, 13 * L);
        c14.intoArray(out, 14 * L);
        c15.intoArray(out, 15 * L);
        return out;
    }

    private static float[] tenChains(long iterations) {
        FloatVector a = FloatVector.broadcast(F, MULTIPLIER), b = FloatVector.broadcast(F, ADDEND);
        FloatVector c0 = start(0);
        FloatVector c1 = start(1);
        FloatVector c2 = start(2);
        FloatVector c3 = start(3);
        FloatVector c4 = start(4);
        FloatVector c5 = start(5);
        FloatVector c6 = start(6);
        FloatVector c7 = start(7);
        FloatVector c8 = start(8);
        FloatVector c9 = start(9);
        for (long i = 0; i < iterations; i++) {
            c0 = c0.fma(a, b);
            c1 = c1.fma(a, b);
            c2 = c2.fma(a, b);
            c3 = c3.fma(a, b);
            c4 = c4.fma(a, b);
            c5 = c5.fma(a, b);
            c6 = c6.fma(a, b);
            c7 = c7.fma(a, b);
            c8 = c8.fma(a, b);
            c9 = c9.fma(a, b);
        }
        float[] out = new float[10 * L];
        c0.intoArray(out, 0 * L);
        c1.intoArray(out, 1 * L);
        c2.intoArray(out, 2 * L);
        c3.intoArray(out, 3 * L);
        c4.intoArray(out, 4 * L);
        c5.intoArray(out, 5 * L);
        c6.intoArray(out, 6 * L);
        c7.intoArray(out, 7 * L);
        c8.intoArray(out, 8 * L);
        c9.intoArray(out, 9 * L);
        return out;
    }

    private static FloatVector start(int chain) {
        return FloatVector.broadcast(F, PeakKernels.start(chain));
    }
}
