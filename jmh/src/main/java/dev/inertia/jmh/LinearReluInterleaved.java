package dev.inertia.jmh;

import dev.inertia.kernels.ActivationKernels;
import dev.inertia.kernels.BroadcastKernels;
import dev.inertia.kernels.Epilogue;
import dev.inertia.kernels.GemmKernels;
import dev.inertia.kernels.Kernels;
import dev.inertia.kernels.KernelPool;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * {@link LinearReluBench}'s three ways of computing {@code Y = relu(X·W + b)} (fused epilogue;
 * plain GEMM then the separate bias and ReLU kernels; plain GEMM alone), timed call by call in
 * rotation so that the shared machine's load hits all three alike (JMH runs them one after the
 * other, minutes apart). Prints one JSON object a shape and round: medians in microseconds, and
 * the medians of the per-rotation time ratios fused / separate and fused / GEMM alone.
 *
 * <p>Usage: {@code java --add-modules jdk.incubator.vector -cp jmh/target/benchmarks.jar
 * dev.inertia.jmh.LinearReluInterleaved [--warmup-s S] [--seconds S] [--rounds R] [BATCHxOUTxIN ...]}
 */
public final class LinearReluInterleaved {
    private static final String[] SHAPES = {"128x1024x784", "128x1024x1024"};
    private static final String[] NAMES = {"fused", "separate", "gemm_only"};

    private LinearReluInterleaved() {}

    public static void main(String[] args) {
        double warmup = 8, seconds = 4;
        int rounds = 1, i = 0;
        for (; i < args.length && args[i].startsWith("--"); i += 2) {
            switch (args[i]) {
                case "--warmup-s" -> warmup = Double.parseDouble(args[i + 1]);
                case "--seconds" -> seconds = Double.parseDouble(args[i + 1]);
                case "--rounds" -> rounds = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown flag " + args[i]);
            }
        }
        String[] shapes = i < args.length ? Arrays.copyOfRange(args, i, args.length) : SHAPES;
        KernelPool.ofThreads(1).bind(); // held for the run: this thread's kernels use it
        for (int round = 0; round <= rounds; round++) {
            for (String shape : shapes) {
                measure(shape, round == 0 ? warmup : seconds, round);
            }
        }
    }

    private static void measure(String shape, double seconds, int round) {
        String[] p = shape.split("x");
        int m = Integer.parseInt(p[0]), n = Integer.parseInt(p[1]), k = Integer.parseInt(p[2]);
        GemmKernels gemm = Kernels.gemm();
        BroadcastKernels broadcast = Kernels.broadcast();
        ActivationKernels activations = Kernels.activations();
        try (Arena arena = Arena.ofShared()) {
            MemorySegment x = random(arena, (long) m * k, 1), w = random(arena, (long) k * n, 2);
            MemorySegment bias = random(arena, n, 3), y = arena.allocate((long) m * n * 4, 64);
            Epilogue biasRelu = Epilogue.NONE.withColumnBias(bias, 0).relu();
            Runnable[] ways = {
                () -> gemm.sgemm(false, false, m, n, k, 1f, x, 0, k, w, 0, n, 0f, y, 0, n, biasRelu),
                () -> {
                    gemm.sgemm(false, false, m, n, k, 1f, x, 0, k, w, 0, n, 0f, y, 0, n);
                    broadcast.addBiasF32(y, 0, bias, 0, y, 0, m, n, 1);
                    activations.reluF32(y, 0, y, 0, m * n);
                },
                () -> gemm.sgemm(false, false, m, n, k, 1f, x, 0, k, w, 0, n, 0f, y, 0, n),
            };
            long[][] times = new long[ways.length][1 << 16];
            long end = System.nanoTime() + (long) (seconds * 1e9);
            int calls = 0;
            while ((System.nanoTime() < end || calls < 5) && calls < times[0].length) {
                for (int j = 0; j < ways.length; j++) {
                    int way = (j + calls) % ways.length;
                    long t0 = System.nanoTime();
                    ways[way].run();
                    times[way][calls] = System.nanoTime() - t0;
                }
                calls++;
            }
            if (round == 0) {
                return;
            }
            StringBuilder json = new StringBuilder(String.format(Locale.ROOT,
                    "{\"round\": %d, \"shape\": \"%s\", \"calls\": %d", round, shape, calls));
            for (int j = 0; j < ways.length; j++) {
                json.append(String.format(Locale.ROOT, ", \"%s_us\": %.1f", NAMES[j], median(times[j], calls) / 1e3));
            }
            // Adjacent calls see the same load: the median of the per-rotation ratios is the steadier figure.
            double[] fusedOverSeparate = new double[calls], fusedOverGemm = new double[calls];
            for (int c = 0; c < calls; c++) {
                fusedOverSeparate[c] = (double) times[0][c] / times[1][c];
                fusedOverGemm[c] = (double) times[0][c] / times[2][c];
            }
            json.append(String.format(Locale.ROOT, ", \"fused_over_separate\": %.3f, \"fused_over_gemm_only\": %.3f",
                    median(fusedOverSeparate), median(fusedOverGemm)));
            System.out.println(json.append('}'));
        }
    }

    private static double median(long[] times, int count) {
        long[] sorted = Arrays.copyOf(times, count);
        Arrays.sort(sorted);
        int h = count / 2;
        return count % 2 == 1 ? sorted[h] : (sorted[h - 1] + sorted[h]) / 2.0;
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int h = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[h] : (sorted[h - 1] + sorted[h]) / 2.0;
    }

    private static MemorySegment random(Arena arena, long count, long seed) {
        MemorySegment s = arena.allocate(count * 4, 64);
        SplittableRandom r = new SplittableRandom(seed);
        for (long j = 0; j < count; j++) {
            s.setAtIndex(ValueLayout.JAVA_FLOAT, j, (float) (r.nextDouble() * 2 - 1));
        }
        return s;
    }
}
