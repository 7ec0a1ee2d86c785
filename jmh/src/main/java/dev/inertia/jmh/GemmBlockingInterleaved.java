package dev.inertia.jmh;

import dev.inertia.kernels.CacheSizes;
import dev.inertia.kernels.GemmBlocking;
import dev.inertia.kernels.GemmKernels;
import dev.inertia.kernels.KernelPool;
import dev.inertia.kernels.Kernels;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Inertia's sgemm under several cache blockings ({@link Kernels#gemm(GemmBlocking)}), timed call
 * by call in alternation in one JVM so that whatever else the shared machine runs hits every
 * blocking alike: per shape and round, each blocking's median ms and the median of its per-call
 * ratios to the first blocking (the figure of merit; the GFLOP/s are only as good as the
 * machine was quiet). Prints one JSON object a shape, blocking and round.
 *
 * <p>A blocking is {@code name=L1D/L2} (derived from those cache sizes, e.g. {@code old=32K/1M})
 * or {@code name=KC32/KC64/BBLOCK} (given, e.g. {@code b576=1536/768/576K}); the default compares
 * the Zen 4 blocking with this machine's.
 *
 * <p>Usage: {@code java --add-modules jdk.incubator.vector -cp LIB_CLASSES:THIS
 * dev.inertia.jmh.GemmBlockingInterleaved [--threads T] [--warmup-s S] [--seconds S] [--rounds R]
 * [--blocking NAME=SPEC ...] [MxNxK:TT ...]}
 */
public final class GemmBlockingInterleaved {
    private static final String[] SHAPES = {"1024x1024x1024:NN", "128x1024x784:NN", "128x1024x1024:NN",
        "128x1024x1024:NT", "784x1024x128:TN", "1024x1024x128:TN"};

    private GemmBlockingInterleaved() {}

    public static void main(String[] args) {
        int threads = 1, rounds = 3, i = 0;
        double warmup = 6, seconds = 3;
        List<String> names = new ArrayList<>();
        List<GemmBlocking> blockings = new ArrayList<>();
        for (; i < args.length && args[i].startsWith("--"); i += 2) {
            switch (args[i]) {
                case "--threads" -> threads = Integer.parseInt(args[i + 1]);
                case "--warmup-s" -> warmup = Double.parseDouble(args[i + 1]);
                case "--seconds" -> seconds = Double.parseDouble(args[i + 1]);
                case "--rounds" -> rounds = Integer.parseInt(args[i + 1]);
                case "--blocking" -> {
                    String[] kv = args[i + 1].split("=", 2);
                    names.add(kv[0]);
                    blockings.add(parse(kv[1]));
                }
                default -> throw new IllegalArgumentException("unknown flag " + args[i]);
            }
        }
        if (blockings.isEmpty()) {
            names.addAll(List.of("zen4", "machine"));
            blockings.addAll(List.of(GemmBlocking.derive(CacheSizes.ZEN4), GemmBlocking.machine()));
        }
        String[] shapes = i < args.length ? Arrays.copyOfRange(args, i, args.length) : SHAPES;
        KernelPool.ofThreads(threads).bind(); // held for the run: this thread's kernels use it
        GemmKernels[] gemms = blockings.stream().map(Kernels::gemm).toArray(GemmKernels[]::new);
        for (int round = 0; round <= rounds; round++) {
            for (String shape : shapes) {
                measure(gemms, names, blockings, shape, threads, round == 0 ? warmup : seconds, round);
            }
        }
    }

    /** {@code L1D/L2} sizes or {@code KC32/KC64/BBLOCK}. */
    private static GemmBlocking parse(String spec) {
        String[] p = spec.split("/");
        if (p.length == 2) {
            return GemmBlocking.derive(new CacheSizes(CacheSizes.parseSize(p[0]), CacheSizes.parseSize(p[1]), 0, "given"));
        }
        return new GemmBlocking(Integer.parseInt(p[0]), Integer.parseInt(p[1]), CacheSizes.parseSize(p[2]));
    }

    private static void measure(GemmKernels[] gemms, List<String> names, List<GemmBlocking> blockings, String shape,
            int threads, double seconds, int round) {
        String[] p = shape.split("[x:]");
        int m = Integer.parseInt(p[0]), n = Integer.parseInt(p[1]), k = Integer.parseInt(p[2]);
        boolean ta = p[3].charAt(0) == 'T', tb = p[3].charAt(1) == 'T';
        int lda = ta ? m : k, ldb = tb ? k : n;
        try (Arena arena = Arena.ofShared()) {
            MemorySegment a = random(arena, (long) m * k, 1), b = random(arena, (long) k * n, 2);
            MemorySegment c = arena.allocate((long) m * n * 4, 64);
            int g = gemms.length, max = 1 << 14;
            long[][] times = new long[g][max];
            long end = System.nanoTime() + (long) (seconds * 1e9);
            int calls = 0;
            int[] order = new int[g];
            SplittableRandom shuffle = new SplittableRandom(round);
            while ((System.nanoTime() < end || calls < 5) && calls < max) {
                // A fresh random order each time: every blocking follows every other one alike (a
                // fixed rotation of three or more would always run one right after the same other,
                // whose cache footprint it would inherit).
                for (int j = 0; j < g; j++) {
                    int r = shuffle.nextInt(j + 1);
                    order[j] = order[r];
                    order[r] = j;
                }
                for (int x : order) {
                    long t0 = System.nanoTime();
                    gemms[x].sgemm(ta, tb, m, n, k, 1f, a, 0, lda, b, 0, ldb, 0f, c, 0, n);
                    times[x][calls] = System.nanoTime() - t0;
                }
                calls++;
            }
            if (round == 0) {
                return;
            }
            double flops = 2.0 * m * n * k;
            for (int x = 0; x < g; x++) {
                double[] ratios = new double[calls];
                for (int call = 0; call < calls; call++) {
                    ratios[call] = (double) times[x][call] / times[0][call];
                }
                Arrays.sort(ratios);
                double ms = median(times[x], calls) / 1e6;
                System.out.printf(Locale.ROOT, "{\"shape\": \"%s\", \"round\": %d, \"threads\": %d, \"blocking\": \"%s\","
                        + " \"spec\": \"%s\", \"calls\": %d, \"ms\": %.4f, \"gflops\": %.2f, \"time_ratio_to_%s\": %.4f}%n",
                        shape, round, threads, names.get(x), blockings.get(x), calls, ms, flops / ms / 1e6, names.get(0),
                        ratios[calls / 2]);
            }
        }
    }

    private static double median(long[] t, int count) {
        long[] s = Arrays.copyOf(t, count);
        Arrays.sort(s);
        return count % 2 == 1 ? s[count / 2] : (s[count / 2 - 1] + s[count / 2]) / 2.0;
    }

    private static MemorySegment random(Arena arena, long count, long seed) {
        MemorySegment s = arena.allocate(count * 4, 64);
        SplittableRandom r = new SplittableRandom(seed);
        for (long i = 0; i < count; i++) {
            s.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) (r.nextDouble() * 2 - 1));
        }
        return s;
    }
}
