package dev.inertia.cli;

import dev.inertia.autodiff.KernelProfile;
import dev.inertia.autodiff.Kinks;
import dev.inertia.autodiff.Tape;
import dev.inertia.autodiff.Var;
import dev.inertia.io.Json;
import dev.inertia.kernels.KernelPool;
import dev.inertia.kernels.Simd;
import dev.inertia.memory.DType;
import dev.inertia.memory.Scope;
import dev.inertia.memory.Tensor;
import dev.inertia.nn.Models;
import dev.inertia.nn.Parameter;
import dev.inertia.nn.Sequential;
import dev.inertia.optim.Optimizer;
import dev.inertia.optim.OptimizerRegistry;
import dev.inertia.optim.Param;
import dev.inertia.optim.TensorOptimizer;
import java.io.PrintStream;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * {@code inertia profile}: where a training step's time goes. Runs the built-in model's step
 * (forward with the softmax cross-entropy, reverse sweep, optimizer pass, as {@code Trainer}
 * runs them) on one batch of random inputs, and times every kernel call of the tape's ops with a
 * {@link KernelProfile}: per section (forward, backward, optimizer), kernel and shape, the
 * milliseconds per step, the share of the step, GFLOP/s and the fraction of the FP32 peak measured
 * in the same run ({@code bench peak}'s loop), GB/s for the memory-bound passes, and what the tape
 * itself costs beyond its kernels. Profiled and plain steps alternate, so the step time without
 * the profile's own cost is reported beside it.
 */
final class ProfileCommand {
    static final String USAGE = "profile [--model mlp|cnn] [--optimizer NAME] [--batch B] [--threads T] [--steps N]"
            + " [--warmup-steps W] [--peak-ms M] [--seed S] [--json]";
    private static final String FORWARD = "forward", BACKWARD = "backward", OPTIMIZER = "optimizer";
    private static final String[] SECTIONS = {FORWARD, BACKWARD, OPTIMIZER};

    private ProfileCommand() {}

    static void run(List<String> argv, PrintStream out, PrintStream err) {
        Args args = Args.parse("profile", argv,
                Set.of("model", "optimizer", "batch", "threads", "steps", "warmup-steps", "peak-ms", "seed"),
                Set.of("json"));
        Models.Kind kind = switch (args.choice("model", "mlp", "mlp", "cnn")) {
            case "cnn" -> Models.Kind.CNN;
            default -> Models.Kind.MLP;
        };
        String optimizerName = args.choice("optimizer", "sgd", OptimizerRegistry.NAMES.toArray(String[]::new));
        int batch = args.positiveInteger("batch", 128);
        int steps = args.positiveInteger("steps", kind == Models.Kind.MLP ? 100 : 20);
        // The JIT compiles the kernels during the first steps (docs/PERFORMANCE.md, Warm-up).
        int warmup = args.integer("warmup-steps", kind == Models.Kind.MLP ? 150 : 30);
        int peakMs = args.integer("peak-ms", 2000);
        if (warmup < 0 || peakMs < 0) {
            throw new UsageException("--warmup-steps and --peak-ms must be 0 or more, got " + warmup + " and "
                    + peakMs);
        }
        long seed = args.longInteger("seed", 1);
        Footprint.check("profile --batch " + batch, "the input batch", batch * 784.0, batch * 784.0 * Float.BYTES);
        try (KernelPool kernels = CommandPool.of(args); KernelPool.Binding bound = kernels.bind()) {
            int threads = kernels.threads();
            // On a shared machine the peak moves within minutes: it is probed between the blocks of steps,
            // on the same threads, and the efficiency figures divide by the probes' median.
            BenchPeakCommand.Probe probe = peakMs == 0 ? null : new BenchPeakCommand.Probe(threads, Math.min(peakMs, 1000));
            Result r = measure(kind, optimizerName, batch, steps, warmup, seed, probe, peakMs);
            print(args.has("json"), out, kind, optimizerName, batch, threads, steps, warmup, r);
        }
    }

    /** What the measured steps gave: the plain and profiled step times and the kernel counts. */
    private record Result(double stepMs, double profiledStepMs, double[] sectionMs, List<KernelProfile.Entry> entries,
            double[] peaks) {}

    /** Steps per block between two peak probes. */
    private static final int BLOCK = 10;

    private static Result measure(Models.Kind kind, String optimizerName, int batch, int steps, int warmup,
            long seed, BenchPeakCommand.Probe probe, int peakMs) {
        try (Scope scope = Scope.open(); Tape tape = new Tape(Kinks.defaults())) {
            Sequential model = Models.create(kind, scope, DType.F32, seed);
            List<Param> params = new ArrayList<>();
            long parameters = 0;
            for (Parameter p : model.parameters()) {
                params.add(p.param());
                parameters += p.size();
            }
            TensorOptimizer<?> rule = OptimizerRegistry.create(optimizerName, Double.NaN);
            Optimizer optimizer = Optimizer.builder().group(rule, params).scope(scope).build();
            long optimizerBytes = (long) rule.bytesPerParameter(DType.F32, false) * parameters;
            // Pixel-like inputs and labels: the cost of a dense step does not depend on the values.
            SplittableRandom random = new SplittableRandom(seed);
            Tensor images = kind.imageInput() ? Tensor.zeros(scope, DType.F32, batch, 1, 28, 28)
                    : Tensor.zeros(scope, DType.F32, batch, 784);
            for (long i = 0; i < images.size(); i++) {
                images.setDouble(i, random.nextDouble(-1, 2));
            }
            MemorySegment labels = scope.allocate((long) Integer.BYTES * batch);
            for (int i = 0; i < batch; i++) {
                labels.setAtIndex(ValueLayout.JAVA_INT, i, random.nextInt(10));
            }
            // The names made once: the profile tells its counters apart by the names' identity.
            Step step = new Step(tape, model, optimizer, images, labels, optimizerName + " step", parameters + " params",
                    optimizerBytes);
            for (int s = 0; s < warmup; s++) {
                step.run(null, null);
            }
            KernelProfile profile = new KernelProfile();
            long[] plain = new long[steps], profiled = new long[steps];
            long[] sections = new long[SECTIONS.length];
            int blocks = Math.ceilDiv(steps, BLOCK);
            double[] peaks = new double[probe == null ? 0 : blocks + 1];
            int probeMs = Math.max(100, peakMs / Math.max(1, peaks.length));
            // Plain and profiled steps alternating, and the peak probed between blocks of them, so that all
            // three see the same minutes of a shared machine.
            for (int s = 0; s < steps; s++) {
                if (probe != null && s % BLOCK == 0) {
                    peaks[s / BLOCK] = probe.gflops(probeMs);
                }
                plain[s] = step.run(null, null);
                try (KernelProfile.Binding on = profile.bind()) {
                    profiled[s] = step.run(profile, sections);
                }
            }
            double[] sectionMs = new double[SECTIONS.length];
            for (int i = 0; i < sections.length; i++) {
                sectionMs[i] = sections[i] / 1e6 / steps;
            }
            if (probe != null) {
                peaks[blocks] = probe.gflops(probeMs);
            }
            return new Result(median(plain) / 1e6, median(profiled) / 1e6, sectionMs, profile.entries(), peaks);
        }
    }

    /** One training step, as the trainer runs it; times its sections into {@code sections} when profiled. */
    private record Step(Tape tape, Sequential model, Optimizer optimizer, Tensor images, MemorySegment labels,
            String optimizerKernel, String optimizerShape, long optimizerBytes) {
        long run(KernelProfile profile, long[] sections) {
            long t0 = System.nanoTime();
            if (profile != null) {
                profile.section(FORWARD);
            }
            tape.reset();
            Var loss = model.forward(tape.constant(images)).softmaxCrossEntropy(labels);
            long t1 = System.nanoTime();
            if (profile != null) {
                profile.section(BACKWARD);
            }
            tape.backward(loss);
            long t2 = System.nanoTime();
            if (profile != null) {
                profile.section(OPTIMIZER);
            }
            optimizer.step();
            long t3 = System.nanoTime();
            if (profile != null) {
                profile.add(optimizerKernel, optimizerShape, t3 - t2, 0, optimizerBytes);
                sections[0] += t1 - t0;
                sections[1] += t2 - t1;
                sections[2] += t3 - t2;
            }
            return t3 - t0;
        }
    }

    private static double median(long[] values) {
        return median(Arrays.stream(values).asDoubleStream().toArray());
    }

    /** The median, NaN for none. */
    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n == 0 ? Double.NaN : n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0;
    }

    private static void print(boolean json, PrintStream out, Models.Kind kind, String optimizerName, int batch,
            int threads, int steps, int warmup, Result r) {
        double peak = median(r.peaks());
        double peakMin = Arrays.stream(r.peaks()).min().orElse(Double.NaN);
        double peakMax = Arrays.stream(r.peaks()).max().orElse(Double.NaN);
        int n = steps;
        // Shares are of the profiled steps' mean, the sum of the sections' means, so that they add up to 1.
        double step = Arrays.stream(r.sectionMs()).sum();
        // Rows: every kernel, then per section what its wall time holds beyond its kernels (the tape's bookkeeping).
        Map<String, Double> kernelMs = new LinkedHashMap<>();
        long productFlops = 0;
        List<Row> rows = new ArrayList<>();
        for (KernelProfile.Entry e : r.entries()) {
            double ms = e.nanos() / 1e6 / n;
            kernelMs.merge(e.section(), ms, Double::sum);
            boolean product = e.kernel().startsWith("gemm") || e.kernel().startsWith("conv2d");
            if (product) {
                productFlops += e.flops();
            }
            rows.add(new Row(e.section(), e.kernel(), e.shape(), (double) e.calls() / n, ms,
                    product ? e.flops() / (e.nanos() / 1e9) / 1e9 : Double.NaN,
                    e.bytes() == 0 ? Double.NaN : e.bytes() / (e.nanos() / 1e9) / 1e9));
        }
        for (int i = 0; i < SECTIONS.length; i++) {
            double other = r.sectionMs()[i] - kernelMs.getOrDefault(SECTIONS[i], 0.0);
            rows.add(new Row(SECTIONS[i], "(tape and other)", "", 0, other, Double.NaN, Double.NaN));
        }
        rows.sort((a, b) -> Integer.compare(sectionIndex(a.section), sectionIndex(b.section)));
        double stepGflop = productFlops / 1e9 / n;
        double stepRate = stepGflop / (r.stepMs() / 1e3);
        double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        if (json) {
            for (Row row : rows) {
                out.println(new Json()
                        .put("profile", kind.toString())
                        .put("section", row.section)
                        .put("kernel", row.kernel)
                        .put("shape", row.shape)
                        .put("calls_per_step", row.calls)
                        .put("ms_per_step", round(row.ms, 4))
                        .put("share", round(row.ms / step, 4))
                        .put("gflops", round(row.gflops, 1))
                        .put("peak_fraction", round(row.gflops / peak, 3))
                        .put("gb_per_s", round(row.gbps, 1)));
            }
            out.println(new Json()
                    .put("profile", kind.toString())
                    .put("optimizer", optimizerName)
                    .put("batch", batch)
                    .put("threads", threads)
                    .put("simd", Simd.enabled())
                    .put("steps", steps)
                    .put("warmup_steps", warmup)
                    .put("peak_gflops", round(peak, 1))
                    .put("peak_gflops_min", round(peakMin, 1))
                    .put("peak_gflops_max", round(peakMax, 1))
                    .put("peak_probes", r.peaks().length)
                    .put("step_ms_p50", round(r.stepMs(), 3))
                    .put("profiled_step_ms_p50", round(r.profiledStepMs(), 3))
                    .put("profiled_step_ms_mean", round(step, 3))
                    .put("step_gflop", round(stepGflop, 4))
                    .put("step_gflops", round(stepRate, 1))
                    .put("step_peak_fraction", round(stepRate / peak, 3))
                    .put("load_average", round(load, 2)));
            return;
        }
        out.printf(Locale.ROOT, "profile %s %s, batch %d, %d thread(s), %d steps after %d warm-up; FP32 peak %.1f"
                + " GFLOP/s on %d thread(s) (median of %d probes between the steps, %.1f-%.1f); load average %.2f%n",
                kind, optimizerName, batch, threads, steps, warmup, peak, threads, r.peaks().length, peakMin, peakMax,
                load);
        out.printf(Locale.ROOT, "step p50 %.3f ms (profiled: p50 %.3f, mean %.3f ms); products %.4f GFLOP a step: %.1f"
                + " GFLOP/s at the p50, %.1f%% of peak%n", r.stepMs(), r.profiledStepMs(), step, stepGflop, stepRate,
                100 * stepRate / peak);
        out.printf(Locale.ROOT, "  %-9s %-28s %-15s %5s %9s %7s %8s %6s %7s%n", "section", "kernel", "shape", "calls",
                "ms/step", "share", "GFLOP/s", "%peak", "GB/s");
        for (Row row : rows) {
            out.printf(Locale.ROOT, "  %-9s %-28s %-15s %5s %9.3f %6.1f%% %8s %6s %7s%n", row.section, row.kernel,
                    row.shape, row.calls == 0 ? "" : fmt(row.calls, 0), row.ms, 100 * row.ms / step,
                    fmt(row.gflops, 1), fmt(100 * row.gflops / peak, 1), fmt(row.gbps, 1));
        }
    }

    private record Row(String section, String kernel, String shape, double calls, double ms, double gflops,
            double gbps) {}

    private static int sectionIndex(String section) {
        return Arrays.asList(SECTIONS).indexOf(section);
    }

    private static String fmt(double v, int decimals) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%." + decimals + "f", v) : "";
    }

    private static double round(double v, int decimals) {
        double scale = Math.pow(10, decimals);
        return Double.isFinite(v) ? Math.round(v * scale) / scale : Double.NaN;
    }
}
