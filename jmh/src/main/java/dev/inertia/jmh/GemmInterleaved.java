package dev.inertia.jmh;

import dev.inertia.kernels.GemmKernels;
import dev.inertia.kernels.Kernels;
import dev.inertia.kernels.Parallel;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.openblas.global.openblas_nolapack;

/**
 * Inertia's sgemm and native OpenBLAS's (bytedeco's build, through JavaCPP, on the same off-heap
 * matrices) timed call by call in alternation, so that whatever else the shared machine runs hits
 * both alike: the ratio of the two medians is the figure of merit, the GFLOP/s are only as good
 * as the machine was quiet. OpenBLAS picks its kernel from the CPU or from
 * {@code OPENBLAS_CORETYPE} (e.g. Haswell) in the environment. Prints one JSON object a shape
 * and round.
 *
 * <p>Usage: {@code java --add-modules jdk.incubator.vector -cp jmh/target/benchmarks.jar
 * dev.inertia.jmh.GemmInterleaved [--threads T] [--warmup-s S] [--seconds S] [--rounds R] [MxNxK:TT ...]}
 * (a warm-up pass over the shapes, S seconds each, then R measured rounds).
 */
public final class GemmInterleaved {
    private static final String[] SHAPES = {"1024x1024x1024:NN", "128x1024x784:NN", "128x1024x1024:NN",
        "784x1024x128:TN", "1024x1024x128:TN", "128x1024x1024:NT"};

    private GemmInterleaved() {}

    /** A JavaCPP pointer onto memory this program owns (JavaCPP must not free it). */
    private static final class Raw extends Pointer {
        Raw(MemorySegment s) {
            address = s.address();
            limit = capacity = s.byteSize();
        }
    }

    public static void main(String[] args) {
        int threads = 1;
        double warmup = 8, seconds = 4;
        int rounds = 1, i = 0;
        for (; i < args.length && args[i].startsWith("--"); i += 2) {
            switch (args[i]) {
                case "--threads" -> threads = Integer.parseInt(args[i + 1]);
                case "--warmup-s" -> warmup = Double.parseDouble(args[i + 1]);
                case "--seconds" -> seconds = Double.parseDouble(args[i + 1]);
                case "--rounds" -> rounds = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown flag " + args[i]);
            }
        }
        String[] shapes = i < args.length ? Arrays.copyOfRange(args, i, args.length) : SHAPES;
        Parallel.setThreads(threads);
        openblas_nolapack.blas_set_num_threads(threads);
        GemmKernels gemm = Kernels.gemm();
        String coretype = System.getenv().getOrDefault("OPENBLAS_CORETYPE", "default");
        // Warm-up: every shape once (the JIT compiles the kernels it uses), then the measured rounds.
        for (int round = 0; round <= rounds; round++) {
            for (String shape : shapes) {
                measure(gemm, shape, threads, coretype, round == 0 ? warmup : seconds, round);
            }
        }
    }

    private static void measure(GemmKernels gemm, String shape, int threads, String coretype, double seconds,
            int round) {
        String[] p = shape.split("[x:]");
        int m = Integer.parseInt(p[0]), n = Integer.parseInt(p[1]), k = Integer.parseInt(p[2]);
        boolean ta = p[3].charAt(0) == 'T', tb = p[3].charAt(1) == 'T';
        int lda = ta ? m : k, ldb = tb ? k : n;
        try (Arena arena = Arena.ofShared()) {
            MemorySegment a = random(arena, (long) m * k, 1), b = random(arena, (long) k * n, 2);
            MemorySegment c1 = arena.allocate((long) m * n * 4, 64), c2 = arena.allocate((long) m * n * 4, 64);
            FloatPointer fa = new FloatPointer(new Raw(a)), fb = new FloatPointer(new Raw(b));
            FloatPointer fc = new FloatPointer(new Raw(c2));
            int transA = ta ? openblas_nolapack.CblasTrans : openblas_nolapack.CblasNoTrans;
            int transB = tb ? openblas_nolapack.CblasTrans : openblas_nolapack.CblasNoTrans;
            Runnable inertia = () -> gemm.sgemm(ta, tb, m, n, k, 1f, a, 0, lda, b, 0, ldb, 0f, c1, 0, n);
            Runnable openblas = () -> openblas_nolapack.cblas_sgemm(openblas_nolapack.CblasRowMajor, transA, transB,
                    m, n, k, 1f, fa, lda, fb, ldb, 0f, fc, n);
            long[][] times = new long[2][1 << 16];
            int calls = run(inertia, openblas, seconds, times);
            if (round == 0) {
                return;
            }
            double flops = 2.0 * m * n * k;
            double gi = flops / median(times[0], calls), go = flops / median(times[1], calls);
            System.out.println(String.format(Locale.ROOT,
                    "{\"round\": %d, \"shape\": \"%s\", \"threads\": %d, \"openblas_coretype\": \"%s\", \"calls\": %d, "
                            + "\"inertia_gflops\": %.2f, \"openblas_gflops\": %.2f, \"ratio\": %.3f}",
                    round, shape, threads, coretype, calls, gi, go, gi / go));
        }
    }

    /** Alternates the two calls (which goes first alternates too) for the given seconds; returns the pairs run. */
    private static int run(Runnable inertia, Runnable openblas, double seconds, long[][] times) {
        long end = System.nanoTime() + (long) (seconds * 1e9);
        int calls = 0;
        while (System.nanoTime() < end || calls < 5) {
            int slot = Math.min(calls, times[0].length - 1);
            for (int order = 0; order < 2; order++) {
                boolean first = ((calls + order) & 1) == 0;
                long t0 = System.nanoTime();
                (first ? inertia : openblas).run();
                times[first ? 0 : 1][slot] = System.nanoTime() - t0;
            }
            calls++;
            if (calls == times[0].length) {
                break;
            }
        }
        return calls;
    }

    private static double median(long[] times, int count) {
        long[] sorted = Arrays.copyOf(times, Math.min(count, times.length));
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
