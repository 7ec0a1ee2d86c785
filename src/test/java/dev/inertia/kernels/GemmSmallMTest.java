package dev.inertia.kernels;

import static dev.inertia.kernels.KernelFixtures.PAD;
import static dev.inertia.kernels.KernelFixtures.SENTINEL;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.inertia.kernels.GemmKernelsTest.Problem;
import dev.inertia.kernels.scalar.ScalarGemm;
import dev.inertia.kernels.scalar.ScalarKernels;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

/**
 * Products of 1 to 8 rows, the batch sizes of serving, with and without a {@link ServingOrder}
 * binding, around the small-m path (bound, NT with at most {@link ScalarGemm#SMALL_M} rows: dot
 * products of contiguous rows in the twin's order): the SIMD GEMM equals its scalar twin bit for
 * bit, sentinels included, and both stay within a BLAS-style error bound of a reference computed
 * in double, for every transpose pair, odd n and k, every epilogue, alpha and beta, element
 * offsets and padded leading dimensions. Unbound, a row's bits do not depend on the batch.
 */
class GemmSmallMTest {
    private static final boolean[][] TRANSPOSES = {{false, true}, {false, false}, {true, false}, {true, true}};
    /** Depths: below, at and around one chunk of partial sums (8 and 16 lanes) and a vector, and the mlp's. */
    private static final int[] DEPTHS = {1, 3, 7, 8, 15, 16, 17, 31, 33, 64, 100, 257, 784};
    /** Widths: fewer than, exactly and more than the four columns of a step, odd ones. */
    private static final int[] WIDTHS = {1, 2, 3, 4, 5, 7, 13, 64, 65, 131};
    private static final double[][] ALPHA_BETA = {{1, 0}, {0.7, 1.3}, {1, 1}, {-1.5, 0}, {0, 1.3}};
    /** Above this depth the packed GEMM (unbound, or m > SMALL_M) splits k into blocks on some machines: no twin then. */
    private static final int ONE_K_BLOCK = 300;

    private final GemmKernels gemm = Kernels.gemm();
    private final GemmKernels twin = ScalarKernels.gemm();

    @Test
    void everySmallMEqualsTheTwinAndTheReference() {
        for (boolean serving : new boolean[] {false, true}) {
            try (ServingOrder.Binding bound = serving ? ServingOrder.bind() : null) {
                everySmallM();
            }
        }
    }

    private void everySmallM() {
        try (Arena arena = Arena.ofShared()) {
            MemorySegment biasF32 = GemmEpilogueCases.bias(arena, 200, false, 91);
            MemorySegment biasF64 = GemmEpilogueCases.bias(arena, 200, true, 92);
            int combo = 0;
            for (int m = 1; m <= 8; m++) {
                for (int k : DEPTHS) {
                    if (!ScalarGemm.smallNT(false, true, m) && k > ONE_K_BLOCK) {
                        continue;
                    }
                    for (boolean f64 : new boolean[] {false, true}) {
                        // Each (m, k, type) meets two widths, transposes, alpha/beta pairs and epilogues.
                        for (int rep = 0; rep < 2; rep++) {
                            combo++;
                            int n = WIDTHS[(combo * 7 + rep) % WIDTHS.length];
                            boolean[] t = rep == 0 ? TRANSPOSES[0] : TRANSPOSES[combo % 4];
                            double[] ab = ALPHA_BETA[combo % ALPHA_BETA.length];
                            Problem pr = new Problem(arena, t[0], t[1], m, n, k, ab[0], ab[1], f64, combo % 3,
                                    77_000L + combo);
                            compare(pr, GemmEpilogueCases.epilogue(combo, f64 ? biasF64 : biasF32), arena);
                        }
                    }
                }
            }
        }
    }

    /** The serving shapes of the mlp at batch 1 to 4, NT with each epilogue the layers use. */
    @Test
    void mlpLayersAtSmallBatches() {
        try (Arena arena = Arena.ofShared(); ServingOrder.Binding bound = ServingOrder.bind()) {
            MemorySegment bias = GemmEpilogueCases.bias(arena, 1024, false, 93);
            int[][] layers = {{1024, 784}, {1024, 1024}, {10, 1024}};
            for (int m = 1; m <= ScalarGemm.SMALL_M; m++) {
                for (int[] layer : layers) {
                    Problem pr = new Problem(arena, false, true, m, layer[0], layer[1], 1, 0, false, 0, 500L + m);
                    compare(pr, Epilogue.NONE.withColumnBias(bias, 0).relu(), arena);
                }
            }
        }
    }

    /** The small-m path splits columns over threads when B is large: the bits do not change. */
    @Test
    void threadsChangeNoBit() {
        assumeTrue(Simd.enabled(), "the scalar twin runs on one thread");
        try (Arena arena = Arena.ofShared(); KernelPool one = KernelPool.ofThreads(1);
                KernelPool two = KernelPool.ofThreads(2)) {
            for (boolean f64 : new boolean[] {false, true}) {
                for (int m = 1; m <= ScalarGemm.SMALL_M; m++) {
                    // n·k = 1021 · 523 > 2^18: large enough to be split.
                    Problem pr = new Problem(arena, false, true, m, 1021, 523, 0.7, 1.3, f64, 1, 600L + m);
                    MemorySegment original = pr.copyOfC(arena);
                    one.run(() -> runServing(pr));
                    MemorySegment single = pr.copyOfC(arena);
                    pr.c.copyFrom(original);
                    two.run(() -> runServing(pr));
                    assertEquals(-1, single.mismatch(pr.c), pr.describe() + ": 2 threads differ from 1");
                }
            }
        }
    }

    private void runServing(Problem pr) {
        try (ServingOrder.Binding bound = ServingOrder.bind()) {
            pr.run(gemm, Epilogue.NONE);
        }
    }

    /**
     * Unbound (training, the AD), the first rows of an 8-row NT product equal the same rows
     * computed alone, bit for bit, SIMD and twin: what AD.jvps' tangent blocks rely on. Bound, the
     * rows of a batch of 1-4 still equal the twin's (checked above) but may differ from the 8-row ones.
     */
    @Test
    void unboundRowsDoNotDependOnTheBatch() {
        try (Arena arena = Arena.ofShared()) {
            for (GemmKernels g : new GemmKernels[] {gemm, twin}) {
                for (boolean f64 : new boolean[] {false, true}) {
                    Problem eight = new Problem(arena, false, true, 8, 131, 257, 1, 0, f64, 1, 700L);
                    MemorySegment original = eight.copyOfC(arena);
                    eight.run(g, Epilogue.NONE);
                    MemorySegment all = eight.copyOfC(arena);
                    for (int m = 1; m <= ScalarGemm.SMALL_M; m++) {
                        eight.c.copyFrom(original);
                        runRows(g, eight, m);
                        long rowBytes = (long) eight.ldc * (f64 ? 8 : 4);
                        MemorySegment head = eight.c.asSlice(0, PAD * (f64 ? 8 : 4) + m * rowBytes);
                        assertEquals(-1, head.mismatch(all.asSlice(0, head.byteSize())), g.getClass().getSimpleName()
                                + " " + eight.describe() + ": the first " + m + " rows alone differ from the 8-row product");
                    }
                }
            }
        }
    }

    /** The problem's product restricted to its first m rows (A and C share their leading rows). */
    private static void runRows(GemmKernels g, Problem pr, int m) {
        if (pr.f64) {
            g.dgemm(false, true, m, pr.n, pr.k, pr.alpha, pr.a, PAD, pr.lda, pr.b, PAD, pr.ldb, pr.beta, pr.c, PAD,
                    pr.ldc, Epilogue.NONE);
        } else {
            g.sgemm(false, true, m, pr.n, pr.k, (float) pr.alpha, pr.a, PAD, pr.lda, pr.b, PAD, pr.ldb,
                    (float) pr.beta, pr.c, PAD, pr.ldc, Epilogue.NONE);
        }
    }

    /** Bindings are per thread, nest, and restore what was bound before. */
    @Test
    void bindingsNestAndStayOnTheirThread() throws Exception {
        assertFalse(ServingOrder.active());
        try (ServingOrder.Binding outer = ServingOrder.bind()) {
            assertTrue(ServingOrder.active());
            try (ServingOrder.Binding inner = ServingOrder.bind()) {
                assertTrue(ServingOrder.active());
            }
            assertTrue(ServingOrder.active(), "closing the inner binding keeps the outer one");
            boolean[] elsewhere = new boolean[1];
            Thread t = new Thread(() -> elsewhere[0] = ServingOrder.active());
            t.start();
            t.join();
            assertFalse(elsewhere[0], "another thread sees its own (unbound) state");
        }
        assertFalse(ServingOrder.active());
    }

    /** SIMD and twin from the same C: bitwise equal, and each within the bound of the double reference. */
    private void compare(Problem pr, Epilogue e, Arena arena) {
        MemorySegment original = pr.copyOfC(arena);
        pr.run(twin, e);
        checkAgainstReference(pr, e, original, "twin");
        MemorySegment fromTwin = pr.copyOfC(arena);
        pr.c.copyFrom(original);
        pr.run(gemm, e);
        checkAgainstReference(pr, e, original, gemm.getClass().getSimpleName());
        long mismatch = fromTwin.mismatch(pr.c);
        assertEquals(-1, mismatch, pr.describe() + " " + e + ": the SIMD GEMM differs from the scalar twin at byte "
                + mismatch);
    }

    /**
     * act(alpha · Σ op(A)op(B) + beta · C + bias) in double, within 2(k + 4)·eps times the sum of
     * the magnitudes involved (the activations are 1-Lipschitz); sentinels untouched.
     */
    private static void checkAgainstReference(Problem pr, Epilogue e, MemorySegment before, String who) {
        double eps = pr.f64 ? Math.ulp(1.0) : Math.ulp(1f);
        for (int i = 0; i < pr.m; i++) {
            for (int j = 0; j < pr.n; j++) {
                double sum = 0, abs = 0;
                if (pr.alpha != 0) {
                    for (int p = 0; p < pr.k; p++) {
                        double t = pr.opA(i, p) * pr.opB(p, j);
                        sum += t;
                        abs += Math.abs(t);
                    }
                }
                long at = PAD + (long) i * pr.ldc + j;
                double c0 = pr.beta == 0 ? 0 : pr.get(before, at);
                double biasValue = switch (e.bias()) {
                    case NONE -> 0;
                    case COLUMN -> pr.get(e.biasSegment(), e.biasOffset() + j);
                    case ROW -> pr.get(e.biasSegment(), e.biasOffset() + i);
                };
                double expected = e.activateF64(pr.alpha * sum + pr.beta * c0 + biasValue);
                double bound = 2 * (pr.k + 4) * eps
                        * (Math.abs(pr.alpha) * abs + Math.abs(pr.beta * c0) + Math.abs(biasValue));
                double actual = pr.get(pr.c, at);
                if (!(Math.abs(actual - expected) <= bound)) {
                    fail(pr.describe() + " " + e + " (" + who + "): C[" + i + "][" + j + "] = " + actual
                            + ", expected " + expected + " within " + bound);
                }
            }
        }
        long total = pr.cElements + 2L * PAD;
        for (long el = 0; el < total; el++) {
            long inside = el - PAD;
            boolean data = inside >= 0 && inside < pr.cElements && inside % pr.ldc < pr.n;
            if (!data && pr.get(pr.c, el) != (pr.f64 ? SENTINEL : (float) SENTINEL)) {
                fail(pr.describe() + " (" + who + "): wrote outside C at element " + inside);
            }
        }
    }

}
