package dev.inertia.cli;

import dev.inertia.io.Json;
import dev.inertia.kernels.KernelPool;
import dev.inertia.kernels.Simd;
import dev.inertia.memory.DType;
import dev.inertia.memory.Scope;
import dev.inertia.nn.Models;
import dev.inertia.nn.Module;
import dev.inertia.train.LoadedModel;
import dev.inertia.train.ModelFile;
import dev.inertia.train.Predictor;
import dev.inertia.train.StepTimer;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * {@code inertia bench predict}: serving latency. Times {@link Predictor#predict(float[], int, float[])}
 * (the no-tape forward pass a server calls, through the array form that allocates nothing) on one
 * batch of random inputs of the model's shape, and prints the latency percentiles of a call and
 * the throughput in samples per second. The model is a built-in one with freshly initialized
 * weights ({@code --model mlp|cnn}) or a saved one ({@code --model-file}): the timing depends on
 * the architecture, not on the weights' values.
 */
final class BenchPredictCommand {
    static final String USAGE = "bench predict --model mlp|cnn | --model-file FILE [--batch B] [--threads T]"
            + " [--iterations N] [--warmup N] [--warmup-ms M] [--seed S] [--json]";

    private BenchPredictCommand() {}

    static void run(List<String> argv, PrintStream out, PrintStream err) {
        Args args = Args.parse("bench predict", argv,
                Set.of("model", "model-file", "batch", "threads", "iterations", "warmup", "warmup-ms", "seed"),
                Set.of("json"));
        if (args.has("model") == args.has("model-file")) {
            throw new UsageException("bench predict needs one of --model mlp|cnn and --model-file FILE; usage: inertia "
                    + USAGE);
        }
        int batch = args.positiveInteger("batch", 1);
        int iterations = args.positiveInteger("iterations", 100);
        int warmup = args.integer("warmup", 20);
        // The JIT compiles the kernels only after thousands of calls' worth of loops: a count alone
        // would leave small batches timed in the interpreter, so warm-up also lasts --warmup-ms.
        int warmupMs = args.integer("warmup-ms", 10_000);
        if (warmup < 0 || warmupMs < 0) {
            throw new UsageException("--warmup and --warmup-ms must be 0 or more, got " + warmup + " and " + warmupMs);
        }
        long seed = args.longInteger("seed", 1);
        try (KernelPool kernels = CommandPool.of(args); KernelPool.Binding bound = kernels.bind()) {
            if (args.has("model-file")) {
                Path file = ModelCommands.requiredFile(args, "model-file");
                try (LoadedModel loaded = ModelFile.load(file)) {
                    checkFootprint(batch, loaded.info().exampleShape());
                    Predictor.Builder builder = Predictor.builder(loaded.module()).info(loaded.info());
                    report(args, out, file.getFileName().toString(), builder, kernels, batch, iterations,
                            new Warmup(warmup, warmupMs), seed);
                } catch (IOException e) { // a bad model file: one line naming it
                    throw new IllegalArgumentException(e.getMessage(), e);
                }
            } else {
                Models.Kind kind = parseKind(args.string("model", "mlp"));
                checkFootprint(batch, 784);
                try (Scope scope = Scope.open()) {
                    Module model = Models.create(kind, scope, DType.F32, seed);
                    Predictor.Builder builder = Predictor.builder(model).exampleShape(kind.imageInput()
                            ? new int[] {1, 28, 28} : new int[] {784});
                    report(args, out, kind.toString(), builder, kernels, batch, iterations, new Warmup(warmup, warmupMs),
                            seed);
                }
            }
        }
    }

    private static Models.Kind parseKind(String name) {
        try {
            return Models.Kind.parse(name);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--model must be mlp or cnn (or give --model-file FILE), got '" + name + "'");
        }
    }

    /** Refuses a batch whose input (the array and the predictor's copy) cannot fit, before anything is allocated. */
    private static void checkFootprint(int batch, int... exampleShape) {
        double features = 1;
        for (int d : exampleShape) {
            features *= d;
        }
        Footprint.check("bench predict --batch " + batch, "the input batch", batch * features,
                batch * features * Float.BYTES * 2);
    }

    /** Builds the predictor for one batch of {@code batch}, times it and prints the line. */
    private static void report(Args args, PrintStream out, String modelName, Predictor.Builder builder,
            KernelPool kernels, int batch, int iterations, Warmup warmup, long seed) {
        // One forward pass per call: the batch is the predictor's largest, so it is never split.
        try (Predictor predictor = builder.maxBatch(batch).pool(kernels).build()) {
            int features = predictor.features();
            float[] inputs = new float[batch * features];
            // Pixel-like values in [0, 1): the cost of a dense forward pass does not depend on them.
            SplittableRandom random = new SplittableRandom(seed);
            for (int i = 0; i < inputs.length; i++) {
                inputs[i] = (float) random.nextDouble();
            }
            float[] outputs = new float[batch * predictor.outputs()];
            StepTimer timer = time(predictor, inputs, batch, outputs, iterations, warmup);
            double samplesPerSecond = (double) batch * timer.count() / (timer.totalNanos() / 1e9);
            Json json = new Json()
                    .put("bench", "predict")
                    .put("model", modelName)
                    .put("batch", batch)
                    .put("threads", kernels.threads())
                    .put("simd", Simd.enabled())
                    .put("iterations", iterations)
                    .put("warmup_calls", warmup.calls)
                    .put("latency_ms_p50", round(timer.p50Ms()))
                    .put("latency_ms_p99", round(timer.p99Ms()))
                    .put("latency_ms_max", round(timer.maxMs()))
                    .put("latency_ms_mean", round(timer.meanMs()))
                    .put("samples_per_s", Math.round(samplesPerSecond * 10) / 10.0);
            if (args.has("json")) {
                out.println(json);
            } else {
                out.printf(Locale.ROOT, "predict %s, batch %d, %d thread(s): latency p50 %.3f ms, p99 %.3f ms over %d calls;"
                        + " %.0f samples/s%n", modelName, batch, kernels.threads(), timer.p50Ms(), timer.p99Ms(),
                        timer.count(), samplesPerSecond);
            }
        }
    }

    /** Untimed calls before the timed ones: at least {@code minCalls}, and for at least {@code minMs} ms. */
    private static final class Warmup {
        final int minCalls;
        final long minMs;
        /** The untimed calls made. */
        int calls;

        Warmup(int minCalls, long minMs) {
            this.minCalls = minCalls;
            this.minMs = minMs;
        }
    }

    /** The warm-up calls (JIT compilation, the tape's buffers), then {@code iterations} timed ones. */
    private static StepTimer time(Predictor predictor, float[] inputs, int batch, float[] outputs, int iterations,
            Warmup warmup) {
        long end = System.nanoTime() + warmup.minMs * 1_000_000L;
        while (warmup.calls < warmup.minCalls || System.nanoTime() - end < 0) {
            predictor.predict(inputs, batch, outputs);
            warmup.calls++;
        }
        StepTimer timer = new StepTimer();
        for (int i = 0; i < iterations; i++) {
            timer.start();
            predictor.predict(inputs, batch, outputs);
            timer.stop();
        }
        if (!Float.isFinite(outputs[0])) { // a forward pass that produced garbage is not a timing
            throw new IllegalStateException("the model's output is not finite: " + outputs[0]);
        }
        return timer;
    }

    private static double round(double x) {
        return Math.round(x * 1000) / 1000.0;
    }
}
