package dev.inertia.cli;

import dev.inertia.io.Json;
import dev.inertia.kernels.Kernels;
import dev.inertia.kernels.PeakKernels;
import dev.inertia.kernels.Simd;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;

/**
 * {@code inertia bench peak}: the FP32 fused multiply-add peak this JVM reaches, on one thread and
 * on T threads at once, from {@link Kernels#peak()} (independent FMA chains and nothing else).
 * It is the denominator of the efficiency figures in docs/PERFORMANCE.md; bench/peak_vs_c.sh
 * checks it against the same loop in C.
 */
final class BenchPeakCommand {
    static final String USAGE = "bench peak [--threads T] [--warmup-ms W] [--measure-ms M] [--json]";
    /** One call's target length: long enough that timing and thread start-up are noise. */
    private static final long CALL_NS = 50_000_000L;

    private BenchPeakCommand() {}

    static void run(List<String> argv, PrintStream out, PrintStream err) {
        Args args = Args.parse("bench peak", argv, Set.of("threads", "warmup-ms", "measure-ms"), Set.of("json"));
        int maxThreads = args.positiveInteger("threads", Runtime.getRuntime().availableProcessors());
        if (maxThreads > 4096) {
            throw new UsageException("--threads must be at most 4096, got " + maxThreads);
        }
        int measureMs = args.positiveInteger("measure-ms", 3000);
        PeakKernels probe = Kernels.peak();
        long iterations = calibrate(probe, args.positiveInteger("warmup-ms", 1000));
        List<Integer> counts = maxThreads == 1 ? List.of(1) : List.of(1, maxThreads);
        for (int threads : counts) {
            long[] rounds = timeRounds(probe, iterations, threads, measureMs);
            long[] sorted = rounds.clone();
            Arrays.sort(sorted);
            double medianNs = sorted.length % 2 == 1 ? sorted[sorted.length / 2]
                    : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2.0;
            double gflops = (double) threads * iterations * probe.flopsPerIteration() / medianNs;
            if (args.has("json")) {
                out.println(new Json()
                        .put("bench", "peak")
                        .put("threads", threads)
                        .put("simd", Simd.enabled())
                        .put("species", Simd.species())
                        .put("chains", probe.chains())
                        .put("lanes", probe.lanes())
                        .put("rounds", rounds.length)
                        .put("gflops", round(gflops))
                        .put("gflops_per_thread", round(gflops / threads))
                        .put("gflops_min", round((double) threads * iterations * probe.flopsPerIteration() / sorted[sorted.length - 1]))
                        .put("gflops_max", round((double) threads * iterations * probe.flopsPerIteration() / sorted[0])));
            } else {
                out.printf(Locale.ROOT, "FP32 FMA peak, %d thread(s), %s, %d chains x %d lanes: %.1f GFLOP/s"
                                + " (%.1f per thread), median of %d rounds%n", threads,
                        Simd.enabled() ? Simd.species() : "scalar", probe.chains(), probe.lanes(), gflops,
                        gflops / threads, rounds.length);
            }
        }
    }

    /**
     * This command's measurement for another command's efficiency figures: calibrated once, then
     * probed as often as the caller wants (between its own timings, on a machine whose peak moves).
     */
    static final class Probe {
        private final PeakKernels kernels = Kernels.peak();
        private final int threads;
        private final long iterations;

        /** Calibrates the loop for about {@code warmupMs} ms on this thread. */
        Probe(int threads, int warmupMs) {
            this.threads = threads;
            this.iterations = calibrate(kernels, warmupMs);
        }

        /** The FP32 FMA peak of the threads running at once for about {@code ms} ms: GFLOP/s of the median round. */
        double gflops(int ms) {
            long[] sorted = timeRounds(kernels, iterations, threads, ms);
            Arrays.sort(sorted);
            return (double) threads * iterations * kernels.flopsPerIteration() / sorted[sorted.length / 2];
        }
    }

    /**
     * Iterations for calls of about 50 ms of C2's code. Short calls first, many of them: C2 compiles
     * a method for its normal entry only after thousands of invocations, and until then each call
     * starts in code that boxes every vector (about 1 GFLOP/s). Then calls grow until they last
     * long enough to time, and are re-aimed until two in a row agree within 20%.
     */
    private static long calibrate(PeakKernels probe, int warmupMs) {
        long warmEnd = System.nanoTime() + warmupMs * 1_000_000L;
        for (int call = 0; call < 20_000 || System.nanoTime() < warmEnd; call++) {
            probe.fmaChains(16);
        }
        long iterations = 1_000;
        long previous = -1;
        while (true) {
            long t0 = System.nanoTime();
            probe.fmaChains(iterations);
            long took = System.nanoTime() - t0;
            if (took < CALL_NS / 4) {
                iterations *= 2;
                previous = -1;
                continue;
            }
            long aimed = Math.max(1, (long) ((double) iterations * CALL_NS / took));
            if (previous > 0 && Math.abs(aimed - previous) <= previous / 5) {
                return aimed;
            }
            previous = aimed;
            iterations = aimed;
        }
    }

    /** Wall time of each round in which {@code threads} threads each make one call, started together. */
    private static long[] timeRounds(PeakKernels probe, long iterations, int threads, int measureMs) {
        List<Long> times = new ArrayList<>();
        CyclicBarrier start = new CyclicBarrier(threads + 1), done = new CyclicBarrier(threads + 1);
        long end = System.nanoTime() + measureMs * 1_000_000L;
        Thread[] workers = new Thread[threads];
        boolean[] stop = new boolean[1];
        for (int t = 0; t < threads; t++) {
            workers[t] = Thread.ofPlatform().daemon().name("inertia-peak-" + t).start(() -> {
                try {
                    while (true) {
                        start.await();
                        if (stop[0]) {
                            return;
                        }
                        probe.fmaChains(iterations);
                        done.await();
                    }
                } catch (Exception e) {
                    Thread.currentThread().interrupt();
                }
            });
        }
        try {
            while (System.nanoTime() < end || times.size() < 5) {
                start.await();
                long t0 = System.nanoTime();
                done.await();
                times.add(System.nanoTime() - t0);
            }
            stop[0] = true; // published to the workers by the barrier below
            start.await();
            for (Thread w : workers) {
                w.join();
            }
        } catch (Exception e) {
            throw new IllegalStateException("bench peak: a measuring thread failed: " + e, e);
        }
        return times.stream().mapToLong(Long::longValue).toArray();
    }

    private static double round(double v) {
        return Math.round(v * 10) / 10.0;
    }
}
