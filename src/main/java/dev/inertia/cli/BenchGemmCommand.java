package dev.inertia.cli;

import dev.inertia.io.Json;
import dev.inertia.kernels.CacheSizes;
import dev.inertia.kernels.GemmBlocking;
import dev.inertia.kernels.GemmKernels;
import dev.inertia.kernels.Kernels;
import dev.inertia.kernels.KernelPool;
import dev.inertia.kernels.Parallel;
import dev.inertia.kernels.Simd;
import java.io.PrintStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * {@code inertia bench gemm}: times {@code C = A·B} (with the chosen transposes) on random
 * off-heap matrices and prints the median over repeated calls after a warm-up, in GFLOP/s
 * (2·m·n·k floating-point operations per call) and milliseconds, with the cache blocking the
 * GEMM derived from this machine's caches ({@code -Dinertia.cache.l1d=... -Dinertia.cache.l2=...}
 * to time another).
 */
final class BenchGemmCommand {
    private BenchGemmCommand() {}

    static void run(List<String> argv, PrintStream out, PrintStream err) {
        Args args = Args.parse("bench gemm", argv,
                Set.of("m", "n", "k", "trans", "dtype", "threads", "warmup-ms", "measure-ms"), Set.of("json"));
        for (String required : List.of("m", "n", "k")) {
            if (!args.has(required)) {
                throw new UsageException("bench gemm needs --" + required + "; " + BenchCommand.USAGE);
            }
        }
        int m = args.positiveInteger("m", 1), n = args.positiveInteger("n", 1), k = args.positiveInteger("k", 1);
        String trans = args.choice("trans", "NN", "NN", "TN", "NT", "TT");
        boolean f64 = args.choice("dtype", "f32", "f32", "f64").equals("f64");
        double mk = (double) m * k, kn = (double) k * n, mn = (double) m * n;
        Footprint.check("bench gemm --m " + m + " --n " + n + " --k " + k, "the largest matrix",
                Math.max(mn, Math.max(mk, kn)), (mk + kn + mn) * (f64 ? 8 : 4));
        try (KernelPool kernels = CommandPool.of(args); KernelPool.Binding bound = kernels.bind()) {
            int warmupMs = args.positiveInteger("warmup-ms", 8000);
            int measureMs = args.positiveInteger("measure-ms", 3000);
            boolean ta = trans.charAt(0) == 'T', tb = trans.charAt(1) == 'T';
            int bytes = f64 ? 8 : 4;
            GemmKernels gemm = Kernels.gemm();

            try (Arena arena = Arena.ofShared()) {
                MemorySegment a = random(arena, (long) m * k, bytes, 1);
                MemorySegment b = random(arena, (long) k * n, bytes, 2);
                MemorySegment c = arena.allocate((long) m * n * bytes, 64);
                int lda = ta ? m : k, ldb = tb ? k : n;
                Runnable call = f64
                        ? () -> gemm.dgemm(ta, tb, m, n, k, 1.0, a, 0, lda, b, 0, ldb, 0.0, c, 0, n)
                        : () -> gemm.sgemm(ta, tb, m, n, k, 1f, a, 0, lda, b, 0, ldb, 0f, c, 0, n);
                long warmupEnd = System.nanoTime() + warmupMs * 1_000_000L;
                int warmupCalls = 0;
                while (System.nanoTime() < warmupEnd || warmupCalls < 3) {
                    call.run();
                    warmupCalls++;
                }
                long[] times = new long[1024];
                int calls = 0;
                long measureEnd = System.nanoTime() + measureMs * 1_000_000L;
                while ((System.nanoTime() < measureEnd || calls < 5) && calls < times.length) {
                    long t0 = System.nanoTime();
                    call.run();
                    times[calls++] = System.nanoTime() - t0;
                }
                long[] sorted = Arrays.copyOf(times, calls);
                Arrays.sort(sorted);
                double medianNs = calls % 2 == 1 ? sorted[calls / 2] : (sorted[calls / 2 - 1] + sorted[calls / 2]) / 2.0;
                double flops = 2.0 * m * n * k;
                double gflops = flops / medianNs;
                double ms = medianNs / 1e6;
                Json json = new Json()
                        .put("bench", "gemm")
                        .put("m", m).put("n", n).put("k", k)
                        .put("trans", trans)
                        .put("dtype", f64 ? "f64" : "f32")
                        .put("threads", Parallel.threads())
                        .put("simd", Simd.enabled())
                        .put("species", Simd.species())
                        .put("calls", calls)
                        .put("gflops", round(gflops, 2))
                        .put("ms", round(ms, 4))
                        .put("ms_min", round(sorted[0] / 1e6, 4))
                        .put("ms_max", round(sorted[calls - 1] / 1e6, 4));
                InfoCommand.putCaches(json);
                if (args.has("json")) {
                    out.println(json);
                } else {
                    out.printf(Locale.ROOT, "gemm %s %s %dx%dx%d, %d thread(s), %s: %.2f GFLOP/s, %.3f ms median of %d calls"
                            + " (min %.3f, max %.3f)%n", trans, f64 ? "f64" : "f32", m, n, k, Parallel.threads(),
                            Simd.enabled() ? Simd.species() : "scalar", gflops, ms, calls, sorted[0] / 1e6,
                            sorted[calls - 1] / 1e6);
                    out.println("  " + GemmBlocking.machine() + "; caches " + CacheSizes.machine());
                }
            }
        }
    }

    private static MemorySegment random(Arena arena, long count, int bytes, long seed) {
        MemorySegment s = arena.allocate(count * bytes, 64);
        SplittableRandom r = new SplittableRandom(seed);
        for (long i = 0; i < count; i++) {
            double v = r.nextDouble() * 2 - 1;
            if (bytes == 8) {
                s.setAtIndex(ValueLayout.JAVA_DOUBLE, i, v);
            } else {
                s.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) v);
            }
        }
        return s;
    }

    private static double round(double v, int digits) {
        double scale = Math.pow(10, digits);
        return Math.round(v * scale) / scale;
    }
}
