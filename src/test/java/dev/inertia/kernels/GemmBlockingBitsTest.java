package dev.inertia.kernels;

import static dev.inertia.kernels.KernelFixtures.PAD;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.inertia.kernels.GemmKernelsTest.Problem;
import dev.inertia.kernels.scalar.ScalarKernels;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

/**
 * The SIMD GEMM under every blocking is bit-identical to its scalar twin run k block by k block.
 *
 * <p>Within a k block both sum the products in the order of k with one fused multiply-add each;
 * across k blocks the SIMD GEMM adds each block's {@code alpha · sum} to C (beta on the first
 * block only, the epilogue on the last). The reference is therefore the scalar twin called once
 * per k block on slices of A and B (beta, then 1; the epilogue on the last call), with the same
 * split of k (as many blocks as KC requires, of equal depth but the last): the comparison is
 * bitwise, sentinels around C included. The B block and the threads must not change a bit.
 */
class GemmBlockingBitsTest {
    private static final boolean[][] TRANSPOSES = {{false, false}, {true, false}, {false, true}, {true, true}};
    /** Shapes: several k blocks at Zen 4 and Intel KC (1700 > 1536), a wide n (many B blocks), edges. */
    private static final int[][] SHAPES = {{19, 53, 1700}, {70, 300, 200}, {37, 61, 45}, {9, 130, 1030}};
    private static final double[][] ALPHA_BETA = {{0.7, 1.3}, {1, 0}, {1, 1}, {0.7, 0}};

    private static final GemmBlocking ZEN4 = GemmBlocking.derive(CacheSizes.ZEN4);
    private static final GemmBlocking INTEL =
            GemmBlocking.derive(new CacheSizes(48 << 10, 2 << 20, 260L << 20, "test"));
    /** 1 KiB L1d and 32 KiB L2: KC 32 / 16 and 16 KiB of B, so every shape has many k and B blocks. */
    private static final GemmBlocking TINY = GemmBlocking.derive(new CacheSizes(1 << 10, 32 << 10, 0, "test"));
    /** Not a derived one: a KC that is no multiple of any vector length, and a B block of one panel. */
    private static final GemmBlocking ODD = new GemmBlocking(37, 19, 5000);

    @Test
    void everyBlockingEqualsTheBlockedScalarTwin() {
        assumeTrue(Simd.enabled(), "the scalar twin has no blocking");
        GemmBlocking[] blockings = {ZEN4, INTEL, TINY, ODD, GemmBlocking.machine()};
        try (Arena arena = Arena.ofShared()) {
            int combo = 0;
            for (GemmBlocking blocking : blockings) {
                GemmKernels gemm = Kernels.gemm(blocking);
                for (boolean f64 : new boolean[] {false, true}) {
                    for (int[] sh : SHAPES) {
                        // Each shape meets two transpose pairs and two epilogues per blocking and type.
                        for (int rep = 0; rep < 2; rep++) {
                            combo++;
                            boolean[] t = TRANSPOSES[combo % 4];
                            double[] ab = ALPHA_BETA[combo / 4 % ALPHA_BETA.length];
                            Problem pr = new Problem(arena, t[0], t[1], sh[0], sh[1], sh[2], ab[0], ab[1], f64,
                                    combo % 3, 31_000L + combo);
                            MemorySegment bias = GemmEpilogueCases.bias(arena, Math.max(sh[0], sh[1]) + 4, f64, 500L + combo);
                            Epilogue e = GemmEpilogueCases.epilogue(combo, bias);
                            compare(gemm, blocking, pr, e, arena);
                        }
                    }
                }
            }
        }
    }

    /** k = 0 and alpha = 0 do no k blocks at all: C = beta · C, then the epilogue, as the twin. */
    @Test
    void noProductUnderATinyBlocking() {
        assumeTrue(Simd.enabled(), "the scalar twin has no blocking");
        try (Arena arena = Arena.ofShared()) {
            GemmKernels gemm = Kernels.gemm(TINY);
            for (boolean f64 : new boolean[] {false, true}) {
                MemorySegment bias = GemmEpilogueCases.bias(arena, 40, f64, 7);
                Problem zeroK = new Problem(arena, false, true, 17, 33, 0, 0.7, 1.3, f64, 1, 71);
                compare(gemm, TINY, zeroK, Epilogue.NONE.withColumnBias(bias, 1).relu(), arena);
                Problem zeroAlpha = new Problem(arena, true, false, 17, 33, 100, 0, 1.3, f64, 2, 72);
                compare(gemm, TINY, zeroAlpha, Epilogue.NONE.withRowBias(bias, 0).leakyRelu(0.1), arena);
            }
        }
    }

    /** The B block and the thread count change no bit: only KC does. */
    @Test
    void onlyKcChangesBits() {
        assumeTrue(Simd.enabled(), "the scalar twin has no blocking");
        try (Arena arena = Arena.ofShared(); KernelPool two = KernelPool.ofThreads(2)) {
            for (boolean f64 : new boolean[] {false, true}) {
                Problem pr = new Problem(arena, false, false, 64, 400, 300, 0.7, 1.3, f64, 1, 4711);
                MemorySegment original = pr.copyOfC(arena);
                pr.run(Kernels.gemm(new GemmBlocking(64, 64, 16 << 10)), Epilogue.NONE);
                MemorySegment small = pr.copyOfC(arena);
                pr.c.copyFrom(original);
                two.run(() -> pr.run(Kernels.gemm(new GemmBlocking(64, 64, 4 << 20)), Epilogue.NONE));
                assertEquals(-1, small.mismatch(pr.c), pr.describe() + ": the B block changed the result");
            }
        }
    }

    private static void compare(GemmKernels gemm, GemmBlocking blocking, Problem pr, Epilogue e, Arena arena) {
        MemorySegment original = pr.copyOfC(arena);
        pr.run(gemm, e);
        MemorySegment simd = pr.copyOfC(arena);
        pr.c.copyFrom(original);
        blockedTwin(pr, e, blocking.kc(pr.f64 ? 8 : 4));
        long mismatch = simd.mismatch(pr.c);
        assertEquals(-1, mismatch, pr.describe() + " " + e + " under " + blocking + ": differs from the scalar twin"
                + " run k block by k block at byte " + mismatch);
    }

    /** The scalar twin over the SIMD GEMM's k blocks of at most {@code kcLimit}, split as it splits them. */
    private static void blockedTwin(Problem pr, Epilogue e, int kcLimit) {
        GemmKernels twin = ScalarKernels.gemm();
        if (pr.alpha == 0 || pr.k == 0) {
            pr.run(twin, e);
            return;
        }
        int kBlocks = (pr.k + kcLimit - 1) / kcLimit, kcMax = (pr.k + kBlocks - 1) / kBlocks;
        for (int kb = 0, p0 = 0; kb < kBlocks; kb++, p0 += kcMax) {
            int kc = Math.min(kcMax, pr.k - p0);
            long aOff = PAD + (pr.ta ? (long) p0 * pr.lda : p0), bOff = PAD + (pr.tb ? p0 : (long) p0 * pr.ldb);
            double beta = kb == 0 ? pr.beta : 1;
            Epilogue epi = kb == kBlocks - 1 ? e : Epilogue.NONE;
            if (pr.f64) {
                twin.dgemm(pr.ta, pr.tb, pr.m, pr.n, kc, pr.alpha, pr.a, aOff, pr.lda, pr.b, bOff, pr.ldb, beta, pr.c,
                        PAD, pr.ldc, epi);
            } else {
                twin.sgemm(pr.ta, pr.tb, pr.m, pr.n, kc, (float) pr.alpha, pr.a, aOff, pr.lda, pr.b, bOff, pr.ldb,
                        (float) beta, pr.c, PAD, pr.ldc, epi);
            }
        }
    }
}
