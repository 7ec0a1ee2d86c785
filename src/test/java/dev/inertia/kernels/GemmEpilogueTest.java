package dev.inertia.kernels;

import dev.inertia.kernels.scalar.ScalarKernels;
import static dev.inertia.kernels.KernelFixtures.D;
import static dev.inertia.kernels.KernelFixtures.F;
import static dev.inertia.kernels.KernelFixtures.PAD;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.inertia.kernels.GemmKernelsTest.Problem;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The fused epilogue against the same GEMM followed by the bias add and the separate activation
 * kernels: bitwise equal, sentinels included, on each implementation (the fused pass does the
 * same operations in the same order, only without the extra trips over C).
 */
class GemmEpilogueTest {
    /**
     * Edges, several k blocks (KC is 1024 for F32 on Zen 4; every blocking: GemmBlockingBitsTest),
     * a parallel product (SIMD only: the twin is slow), 1×1.
     */
    private static final int[][] SHAPES = {{37, 53, 20}, {9, 20, 1100}, {100, 150, 140}, {1, 1, 1}};
    private static final double[][] ALPHA_BETA = {{0.7, 1.3}, {1, 0}, {0, 1.3}};

    @Test
    void fusedEqualsGemmThenSeparateKernels() {
        for (GemmKernels g : new GemmKernels[] {Kernels.gemm(), ScalarKernels.gemm()}) {
            try (Arena arena = Arena.ofShared()) {
                int combo = 0;
                for (int[] sh : SHAPES) {
                    if (g == ScalarKernels.gemm() && (long) sh[0] * sh[1] * sh[2] > 1_000_000) {
                        continue;
                    }
                    for (boolean f64 : new boolean[] {false, true}) {
                        int m = sh[0], n = sh[1], k = sh[2];
                        MemorySegment bias = arena.allocate(8L * (Math.max(m, n) + 7), 64);
                        Random r = new Random(99 + combo);
                        for (int i = 0; i < Math.max(m, n) + 7; i++) {
                            double v = r.nextDouble() * 2 - 1;
                            if (f64) {
                                bias.setAtIndex(D, i, v);
                            } else {
                                bias.setAtIndex(F, i, (float) v);
                            }
                        }
                        Epilogue[] epilogues = {
                            Epilogue.NONE.withColumnBias(bias, 3).relu(),
                            Epilogue.NONE.withRowBias(bias, 5).leakyRelu(0.1),
                            Epilogue.NONE.relu6(),
                            Epilogue.NONE.withColumnBias(bias, 0).hardtanh(),
                            Epilogue.NONE.withRowBias(bias, 0),
                            Epilogue.NONE.clamp(-0.3, 0.2),
                        };
                        for (Epilogue e : epilogues) {
                            double[] ab = ALPHA_BETA[combo % ALPHA_BETA.length];
                            boolean ta = (combo & 1) == 1, tb = (combo & 2) == 2;
                            combo++;
                            Problem pr = new Problem(arena, ta, tb, m, n, k, ab[0], ab[1], f64, combo % 2 * 3,
                                    7000L + combo);
                            compare(g, pr, e, arena);
                        }
                    }
                }
            }
        }
    }

    /**
     * Whole register tiles without beta (the SIMD store pass then takes its unrolled path): every
     * transpose pair, alpha 1 and 0.7, each epilogue, on 64×96 (whole tiles at every vector width).
     */
    @Test
    void wholeTilesWithoutBeta() {
        for (GemmKernels g : new GemmKernels[] {Kernels.gemm(), ScalarKernels.gemm()}) {
            try (Arena arena = Arena.ofShared()) {
                int combo = 0;
                for (boolean f64 : new boolean[] {false, true}) {
                    MemorySegment bias = arena.allocate(8L * 128, 64);
                    Random r = new Random(123);
                    for (int i = 0; i < 128; i++) {
                        double v = r.nextDouble() * 2 - 1;
                        if (f64) {
                            bias.setAtIndex(D, i, v);
                        } else {
                            bias.setAtIndex(F, i, (float) v);
                        }
                    }
                    Epilogue[] epilogues = {
                        Epilogue.NONE,
                        Epilogue.NONE.withColumnBias(bias, 0).relu(),
                        Epilogue.NONE.withColumnBias(bias, 1),
                        Epilogue.NONE.relu(),
                        Epilogue.NONE.withColumnBias(bias, 2).relu6(),
                        Epilogue.NONE.withRowBias(bias, 0).relu(),
                        Epilogue.NONE.withColumnBias(bias, 0).leakyRelu(0.2),
                    };
                    for (Epilogue e : epilogues) {
                        for (double alpha : new double[] {1, 0.7}) {
                            combo++;
                            boolean ta = (combo & 1) == 1, tb = (combo & 2) == 2;
                            Problem pr = new Problem(arena, ta, tb, 64, 96, 50, alpha, 0, f64, combo % 2, 9000L + combo);
                            compare(g, pr, e, arena);
                        }
                    }
                }
            }
        }
    }

    private static void compare(GemmKernels g, Problem pr, Epilogue e, Arena arena) {
        MemorySegment original = pr.copyOfC(arena);
        pr.run(g, e);
        MemorySegment fused = pr.copyOfC(arena);
        pr.c.copyFrom(original);
        pr.run(g, Epilogue.NONE);
        separate(pr, e);
        long mismatch = fused.mismatch(pr.c);
        assertEquals(-1, mismatch, pr.describe() + " " + e + " on " + g.getClass().getSimpleName()
                + ": fused differs at byte " + mismatch);
    }

    /** The bias added with one rounding per element, then the separate activation kernel on each row. */
    private static void separate(Problem pr, Epilogue e) {
        ActivationKernels act = Kernels.activations();
        MemorySegment bias = e.biasSegment();
        for (int i = 0; i < pr.m; i++) {
            long row = PAD + (long) i * pr.ldc;
            for (int j = 0; j < pr.n; j++) {
                long bi = e.biasOffset() + (e.bias() == Epilogue.Bias.COLUMN ? j : i);
                if (e.bias() == Epilogue.Bias.NONE) {
                    continue;
                }
                if (pr.f64) {
                    pr.c.setAtIndex(D, row + j, pr.c.getAtIndex(D, row + j) + bias.getAtIndex(D, bi));
                } else {
                    pr.c.setAtIndex(F, row + j, pr.c.getAtIndex(F, row + j) + bias.getAtIndex(F, bi));
                }
            }
            switch (e.activation()) {
                case IDENTITY -> { }
                case RELU -> {
                    if (pr.f64) {
                        act.reluF64(pr.c, row, pr.c, row, pr.n);
                    } else {
                        act.reluF32(pr.c, row, pr.c, row, pr.n);
                    }
                }
                case LEAKY_RELU -> {
                    if (pr.f64) {
                        act.leakyReluF64(pr.c, row, pr.c, row, pr.n, e.slope());
                    } else {
                        act.leakyReluF32(pr.c, row, pr.c, row, pr.n, (float) e.slope());
                    }
                }
                case CLAMP -> {
                    if (pr.f64) {
                        act.clampF64(pr.c, row, pr.c, row, pr.n, e.lo(), e.hi());
                    } else {
                        act.clampF32(pr.c, row, pr.c, row, pr.n, (float) e.lo(), (float) e.hi());
                    }
                }
            }
        }
    }
}
