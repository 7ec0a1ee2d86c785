package dev.inertia.kernels;

import dev.inertia.kernels.scalar.ScalarKernels;
import static dev.inertia.kernels.KernelFixtures.D;
import static dev.inertia.kernels.KernelFixtures.F;
import static dev.inertia.kernels.KernelFixtures.PAD;
import static dev.inertia.kernels.KernelFixtures.SENTINEL;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * GEMM in the reference BLAS way: every transpose pair, odd and edge sizes, alpha in {0, 1, 0.7},
 * beta in {0, 1, 1.3}, NaN in C with beta = 0, sentinels around C and between its rows, and an
 * error bound scaled by machine epsilon, k and |alpha|·|A|·|B| + |beta|·|C| against a reference
 * computed in double. The same checks run on the selected implementation and the scalar twin.
 */
class GemmKernelsTest {
    private static final int[] SMALL = {0, 1, 2, 3, 5, 9, 17};
    private static final int[] MEDIUM = {31, 33, 100, 127, 129};
    private static final double[] ALPHAS = {0, 1, 0.7};
    private static final double[] BETAS = {0, 1, 1.3};
    private static final boolean[][] TRANSPOSES = {{false, false}, {true, false}, {false, true}, {true, true}};

    private final GemmKernels gemm = Kernels.gemm();
    private final GemmKernels scalar = ScalarKernels.gemm();

    /** One GEMM problem with its stored operands, laid out with offsets and padded strides. */
    static final class Problem {
        final boolean ta, tb, f64;
        final int m, n, k, lda, ldb, ldc;
        final double alpha, beta;
        final long seed;
        final MemorySegment a, b, c;
        final long cElements;

        Problem(Arena arena, boolean ta, boolean tb, int m, int n, int k, double alpha, double beta, boolean f64,
                int extraLd, long seed) {
            this.ta = ta;
            this.tb = tb;
            this.m = m;
            this.n = n;
            this.k = k;
            this.alpha = alpha;
            this.beta = beta;
            this.f64 = f64;
            this.seed = seed;
            Random r = new Random(seed);
            int aRows = ta ? k : m, aCols = ta ? m : k, bRows = tb ? n : k, bCols = tb ? k : n;
            lda = Math.max(1, aCols + extraLd);
            ldb = Math.max(1, bCols + extraLd);
            ldc = Math.max(1, n + extraLd);
            a = matrix(arena, aRows, lda, r, false);
            b = matrix(arena, bRows, ldb, r, false);
            cElements = (long) m * ldc;
            c = matrix(arena, m, ldc, r, beta == 0);
            // Only C's m×n region is data: the tail of each row beyond n is sentinel.
            for (int i = 0; i < m; i++) {
                for (int j = n; j < ldc; j++) {
                    set(c, PAD + (long) i * ldc + j, SENTINEL);
                }
            }
        }

        private MemorySegment matrix(Arena arena, int rows, int ld, Random r, boolean nan) {
            long count = (long) rows * ld + 2L * PAD;
            MemorySegment s = arena.allocate(count * (f64 ? 8 : 4), 64);
            for (long i = 0; i < count; i++) {
                boolean inside = i >= PAD && i < count - PAD;
                set(s, i, !inside ? SENTINEL : nan ? Double.NaN : r.nextDouble() * 2 - 1);
            }
            return s;
        }

        void set(MemorySegment s, long i, double v) {
            if (f64) {
                s.setAtIndex(D, i, v);
            } else {
                s.setAtIndex(F, i, (float) v);
            }
        }

        double get(MemorySegment s, long i) {
            return f64 ? s.getAtIndex(D, i) : s.getAtIndex(F, i);
        }

        double opA(int i, int p) {
            return get(a, PAD + (ta ? (long) p * lda + i : (long) i * lda + p));
        }

        double opB(int p, int j) {
            return get(b, PAD + (tb ? (long) j * ldb + p : (long) p * ldb + j));
        }

        void run(GemmKernels g, Epilogue e) {
            if (f64) {
                g.dgemm(ta, tb, m, n, k, alpha, a, PAD, lda, b, PAD, ldb, beta, c, PAD, ldc, e);
            } else {
                g.sgemm(ta, tb, m, n, k, (float) alpha, a, PAD, lda, b, PAD, ldb, (float) beta, c, PAD, ldc, e);
            }
        }

        MemorySegment copyOfC(Arena arena) {
            MemorySegment copy = arena.allocate(c.byteSize(), 64);
            copy.copyFrom(c);
            return copy;
        }

        String describe() {
            return (ta ? "T" : "N") + (tb ? "T" : "N") + " " + (f64 ? "f64" : "f32") + " m=" + m + " n=" + n + " k="
                    + k + " alpha=" + alpha + " beta=" + beta + " ld+" + (ldc - n) + " seed " + seed;
        }
    }

    /** Runs the problem on {@code g} and checks the result against the double reference and the sentinels. */
    private static void check(GemmKernels g, Problem pr, Arena arena) {
        MemorySegment before = pr.copyOfC(arena);
        pr.run(g, Epilogue.NONE);
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
                double expected = pr.alpha * sum + pr.beta * c0;
                double bound = 2 * (pr.k + 3) * eps * (Math.abs(pr.alpha) * abs + Math.abs(pr.beta * c0));
                double actual = pr.get(pr.c, at);
                if (!(Math.abs(actual - expected) <= bound)) {
                    fail(pr.describe() + " (" + g.getClass().getSimpleName() + "): C[" + i + "][" + j + "] = " + actual
                            + ", expected " + expected + " within " + bound);
                }
            }
        }
        checkSentinels(pr);
    }

    private static void checkSentinels(Problem pr) {
        long total = pr.cElements + 2L * PAD;
        for (long e = 0; e < total; e++) {
            long inside = e - PAD;
            boolean data = inside >= 0 && inside < pr.cElements && inside % pr.ldc < pr.n;
            if (!data && pr.get(pr.c, e) != (pr.f64 ? SENTINEL : (float) SENTINEL)) {
                fail(pr.describe() + ": wrote outside C at element " + inside + " (value " + pr.get(pr.c, e) + ")");
            }
        }
    }

    private void checkBoth(Problem pr, Arena arena, MemorySegment originalC) {
        check(gemm, pr, arena);
        pr.c.copyFrom(originalC);
        check(scalar, pr, arena);
    }

    @Test
    void smallSizesEveryTransposeAlphaBeta() {
        try (Arena arena = Arena.ofConfined()) {
            int combo = 0;
            for (boolean[] t : TRANSPOSES) {
                for (int m : SMALL) {
                    for (int n : SMALL) {
                        for (int k : SMALL) {
                            double alpha = ALPHAS[combo % 3], beta = BETAS[(combo / 3) % 3];
                            boolean f64 = (combo & 1) == 1;
                            combo++;
                            Problem pr = new Problem(arena, t[0], t[1], m, n, k, alpha, beta, f64, combo % 3,
                                    1000L * combo + m * 31 + n * 7 + k);
                            checkBoth(pr, arena, pr.copyOfC(arena));
                        }
                    }
                }
            }
        }
    }

    @Test
    void mediumSizesNonSquare() {
        try (Arena arena = Arena.ofConfined()) {
            int combo = 0;
            for (boolean[] t : TRANSPOSES) {
                for (int s : MEDIUM) {
                    int[][] kinds = {{s, 17, 33}, {9, s, 100}, {33, 31, s}, {s, s, 5}};
                    // Two of the four kinds per size and transpose pair, rotating: every kind meets every size.
                    for (int[] sh : new int[][] {kinds[combo / 2 % 4], kinds[(combo / 2 + 1) % 4]}) {
                        for (boolean f64 : new boolean[] {false, true}) {
                            double alpha = ALPHAS[combo % 3], beta = BETAS[(combo / 3) % 3];
                            combo++;
                            Problem pr = new Problem(arena, t[0], t[1], sh[0], sh[1], sh[2], alpha, beta, f64,
                                    combo % 2 * 5, 77_000L + combo);
                            checkBoth(pr, arena, pr.copyOfC(arena));
                        }
                    }
                }
            }
        }
    }

    @Test
    void everyAlphaBetaOnEdgeShapes() {
        try (Arena arena = Arena.ofConfined()) {
            int combo = 0;
            for (boolean[] t : TRANSPOSES) {
                for (double alpha : ALPHAS) {
                    for (double beta : BETAS) {
                        for (boolean f64 : new boolean[] {false, true}) {
                            combo++;
                            Problem pr = new Problem(arena, t[0], t[1], 37, 53, 20, alpha, beta, f64, 3,
                                    5_000L + combo);
                            check(gemm, pr, arena);
                        }
                    }
                }
            }
        }
    }

    /** Large enough for several k blocks, column blocks and (with 2 threads) parallel chunks. */
    @Test
    void largeShapes() {
        int[][] shapes = {{1000, 9, 600}, {50, 1000, 60}, {23, 70, 1000}, {129, 17, 1100}};
        try (Arena arena = Arena.ofShared()) {
            for (int i = 0; i < TRANSPOSES.length; i++) {
                boolean[] t = TRANSPOSES[i];
                int[] sh = shapes[i];
                Problem pr = new Problem(arena, t[0], t[1], sh[0], sh[1], sh[2], 0.7, 1.3, (i & 1) == 1, 1, 900L + i);
                check(gemm, pr, arena);
            }
        }
    }

    @Test
    void nanInCDoesNotLeakWhenBetaIsZero() {
        try (Arena arena = Arena.ofConfined()) {
            for (boolean f64 : new boolean[] {false, true}) {
                for (double alpha : ALPHAS) {
                    for (int k : new int[] {0, 3, 520}) {
                        Problem pr = new Problem(arena, false, true, 37, 53, k, alpha, 0, f64, 2, 31L + k);
                        for (GemmKernels g : new GemmKernels[] {gemm, scalar}) {
                            pr.run(g, Epilogue.NONE);
                            for (int i = 0; i < pr.m; i++) {
                                for (int j = 0; j < pr.n; j++) {
                                    double v = pr.get(pr.c, PAD + (long) i * pr.ldc + j);
                                    assertTrue(!Double.isNaN(v), pr.describe() + ": NaN leaked at " + i + "," + j);
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /** Segments confined to the calling thread are fine: such a call runs on that thread alone. */
    @Test
    void confinedSegmentsStayOnTheCallingThread() {
        try (Arena arena = Arena.ofConfined()) {
            Problem pr = new Problem(arena, false, false, 100, 150, 200, 1, 1.3, false, 0, 17);
            check(gemm, pr, arena);
        }
    }

    /** Results do not depend on the number of threads: the same blocks run in the same order. */
    @Test
    void threadedEqualsSingleThread() {
        assumeTrue(Simd.enabled(), "the scalar twin runs on one thread");
        try (Arena arena = Arena.ofShared(); KernelPool one = KernelPool.ofThreads(1);
                KernelPool two = KernelPool.ofThreads(2)) {
            for (boolean[] t : TRANSPOSES) {
                for (boolean f64 : new boolean[] {false, true}) {
                    Problem pr = new Problem(arena, t[0], t[1], 64, 100, 530, 0.7, 1.3, f64, 1, 4242);
                    MemorySegment original = pr.copyOfC(arena);
                    one.run(() -> pr.run(gemm, Epilogue.NONE));
                    MemorySegment single = pr.copyOfC(arena);
                    pr.c.copyFrom(original);
                    two.run(() -> pr.run(gemm, Epilogue.NONE));
                    assertEquals(-1, single.mismatch(pr.c), pr.describe() + ": 2 threads differ from 1");
                }
            }
        }
    }

    @Test
    void badArgumentsAreRejected() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment s = arena.allocate(4 * 100, 64);
            for (GemmKernels g : new GemmKernels[] {gemm, scalar}) {
                assertThrows(IllegalArgumentException.class,
                        () -> g.sgemm(false, false, -1, 2, 2, 1, s, 0, 2, s, 0, 2, 0, s, 0, 2));
                assertThrows(IllegalArgumentException.class,
                        () -> g.sgemm(false, false, 4, 4, 4, 1, s, 0, 3, s, 0, 4, 0, s, 0, 4));
                assertThrows(IllegalArgumentException.class,
                        () -> g.sgemm(true, false, 4, 4, 4, 1, s, 0, 4, s, 0, 4, 0, s, 0, 3));
                assertThrows(IllegalArgumentException.class,
                        () -> g.sgemm(false, false, 10, 10, 10, 1, s, 1, 10, s, 0, 10, 0, s, 0, 10));
                assertThrows(IllegalArgumentException.class,
                        () -> g.dgemm(false, false, 8, 8, 8, 1, s, 0, 8, s, 0, 8, 0, s, 0, 8));
                assertThrows(IllegalArgumentException.class,
                        () -> g.sgemm(false, false, 2, 2, 2, 1, s, -1, 2, s, 0, 2, 0, s, 0, 2));
                assertThrows(IllegalArgumentException.class,
                        () -> g.sgemm(false, false, 2, 2, 2, 1, s, 0, 2, s, 0, 2, 0, s, 0, 2, null));
                Epilogue shortBias = Epilogue.NONE.withColumnBias(s, 95).relu();
                assertThrows(IllegalArgumentException.class,
                        () -> g.sgemm(false, false, 2, 8, 2, 1, s, 0, 2, s, 0, 8, 0, s, 0, 8, shortBias));
                Epilogue rowBias = Epilogue.NONE.withRowBias(s, 48);
                assertThrows(IllegalArgumentException.class,
                        () -> g.dgemm(false, false, 3, 1, 1, 1, s, 0, 1, s, 0, 1, 0, s, 0, 1, rowBias));
            }
            assertThrows(IllegalArgumentException.class, () -> Epilogue.NONE.clamp(1, 0));
            assertThrows(IllegalArgumentException.class, () -> Epilogue.NONE.leakyRelu(Double.NaN));
            assertThrows(IllegalArgumentException.class, () -> Epilogue.NONE.withColumnBias(s, -1));
        }
    }
}
