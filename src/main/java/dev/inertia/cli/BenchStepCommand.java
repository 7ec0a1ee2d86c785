package dev.inertia.cli;

import dev.inertia.io.Json;
import dev.inertia.kernels.KernelPool;
import dev.inertia.kernels.Parallel;
import dev.inertia.kernels.Simd;
import dev.inertia.memory.DType;
import dev.inertia.memory.Scope;
import dev.inertia.memory.Tensor;
import dev.inertia.optim.OptimizerRegistry;
import dev.inertia.optim.OptimizerState;
import dev.inertia.optim.TensorOptimizer;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * {@code inertia bench step}: times one optimizer step over {@code --params} parameters (split
 * into {@code --tensors} tensors) and prints the median time, the bytes per parameter one fused
 * pass reads and writes, and the resulting memory bandwidth; {@code first_step_ms} is the process's first
 * step (a cold one: interpreted kernels, class loading), for the warm-up tax of docs/PERFORMANCE.md.
 */
public final class BenchStepCommand {
    static final String USAGE = "bench step --optimizer " + String.join("|", OptimizerRegistry.NAMES)
            + " --params N [--threads T] [--dtype f32|f64] [--tensors K] [--steps S] [--warmup W] [--momentum M]"
            + " [--zero-grad] [--json]";

    private BenchStepCommand() {}

    /** Runs the benchmark; {@code argv} are the flags after {@code bench step}. */
    public static void run(List<String> argv, PrintStream out, PrintStream err) {
        Args args = Args.parse("bench step", argv,
                Set.of("optimizer", "params", "threads", "dtype", "tensors", "steps", "warmup", "momentum"),
                Set.of("json", "zero-grad"));
        if (!args.has("optimizer") || !args.has("params")) {
            throw new UsageException("usage: inertia " + USAGE);
        }
        String name = args.choice("optimizer", "innaprop", OptimizerRegistry.NAMES.toArray(String[]::new));
        long params = parseCount(args.string("params", "0"));
        DType dtype = args.choice("dtype", "f32", "f32", "f64").equals("f32") ? DType.F32 : DType.F64;
        int tensors = args.positiveInteger("tensors", 1);
        int steps = args.positiveInteger("steps", 30);
        int warmup = args.integer("warmup", 10);
        boolean zeroGrad = args.has("zero-grad");
        try (KernelPool kernels = CommandPool.of(args); KernelPool.Binding bound = kernels.bind()) {
            if (tensors > params) {
                throw new UsageException("--tensors " + tensors + " is more than --params " + params);
            }
            // The registry's defaults: sgd is SGD-momentum 0.9, the usual comparison.
            TensorOptimizer<?> opt = OptimizerRegistry.create(name);
            if (args.has("momentum")) {
                opt = opt.withHyperparameters(Map.of("momentum", args.number("momentum", 0)));
            }
            Timings timings;
            try (Scope scope = Scope.open()) {
                timings = time(opt, scope, dtype, params, tensors, steps, Math.max(warmup, 0), zeroGrad);
            }
            double[] ms = timings.ms();
            double[] sorted = ms.clone();
            Arrays.sort(sorted);
            double median = sorted.length % 2 == 1 ? sorted[sorted.length / 2]
                    : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
            int bytesPerParam = opt.bytesPerParameter(dtype, zeroGrad);
            double gbps = bytesPerParam * (double) params / (median * 1e-3) / 1e9;
            Json json = new Json()
                    .put("optimizer", opt.name())
                    .put("dtype", dtype.name().toLowerCase(Locale.ROOT))
                    .put("params", params)
                    .put("tensors", tensors)
                    .put("threads", Parallel.threads())
                    .put("simd", Simd.enabled())
                    .put("steps", steps)
                    .put("ms", round(median))
                    .put("ms_min", round(sorted[0]))
                    .put("first_step_ms", timings.firstStepMs())
                    .put("gbps", round(gbps))
                    .put("bytes_per_param", bytesPerParam);
            if (args.has("json")) {
                out.println(json);
            } else {
                out.printf(Locale.ROOT, "%s %s step, %d parameters in %d tensors, %d threads: median %.3f ms, "
                        + "%d bytes/param, %.2f GB/s%n", opt.name(), dtype, params, tensors, Parallel.threads(), median,
                        bytesPerParam, gbps);
            }
        }
    }

    /** The timed steps' durations and the very first step's (a warm-up one when there are any), in ms. */
    private record Timings(double[] ms, double firstStepMs) {}

    private static <S extends OptimizerState> Timings time(TensorOptimizer<S> opt, Scope scope, DType dtype,
            long params, int tensors, int steps, int warmup, boolean zeroGrad) {
        List<Tensor> thetas = new ArrayList<>(), grads = new ArrayList<>();
        List<S> states = new ArrayList<>();
        SplittableRandom r = new SplittableRandom(42);
        for (int t = 0; t < tensors; t++) {
            long size = params / tensors + (t < params % tensors ? 1 : 0);
            if (size > Integer.MAX_VALUE) {
                throw new UsageException("a tensor of " + size + " elements is too large; raise --tensors");
            }
            Tensor theta = Tensor.zeros(scope, dtype, (int) size);
            Tensor grad = Tensor.zeros(scope, dtype, (int) size);
            for (long i = 0; i < size; i++) {
                theta.setDouble(i, r.nextDouble(-1, 1));
                grad.setDouble(i, r.nextDouble(-1, 1) * 1e-3);
            }
            thetas.add(theta);
            grads.add(grad);
            states.add(opt.init(theta, scope));
        }
        double[] ms = new double[steps];
        double firstStepMs = Double.NaN;
        for (int s = -warmup; s < steps; s++) {
            long t0 = System.nanoTime();
            for (int t = 0; t < tensors; t++) {
                opt.step(thetas.get(t), grads.get(t), states.get(t), zeroGrad);
            }
            long t1 = System.nanoTime();
            if (s == -warmup) {
                firstStepMs = (t1 - t0) / 1e6;
            }
            if (s >= 0) {
                ms[s] = (t1 - t0) / 1e6;
            }
        }
        return new Timings(ms, firstStepMs);
    }

    /** A count like 10000000, 10M or 1e7. */
    private static long parseCount(String v) {
        String s = v.trim().toUpperCase(Locale.ROOT);
        long scale = 1;
        if (s.endsWith("K")) {
            scale = 1_000;
        } else if (s.endsWith("M")) {
            scale = 1_000_000;
        } else if (s.endsWith("G")) {
            scale = 1_000_000_000;
        }
        if (scale != 1) {
            s = s.substring(0, s.length() - 1);
        }
        try {
            double d = Double.parseDouble(s) * scale;
            if (!(d >= 1) || d > 1e12 || d != Math.rint(d)) {
                throw new NumberFormatException();
            }
            return (long) d;
        } catch (NumberFormatException e) {
            throw new UsageException("--params expects a positive whole count like 10000000 or 10M, got '" + v + "'");
        }
    }

    private static double round(double x) {
        return Math.round(x * 1000) / 1000.0;
    }
}
