package dev.inertia.bench.djl;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.HdrHistogram.Histogram;

/**
 * The JVM peer of Inertia's benchmarks: DJL 0.36 over libtorch 2.7.1 (PyTorch's C++ core through
 * JNI) runs the same training step ({@code inertia train}'s step_ms_p50 / step_ms_p99) and the
 * same serving call ({@code inertia bench predict}'s latency_ms_p50 / latency_ms_p99 /
 * samples_per_s), and prints one JSON line with those fields.
 *
 * <pre>
 * step    --model mlp|cnn --optimizer sgd|adamw [--steps N] [--warmup N] [--batch 128]
 * predict --model mlp|cnn [--batch B] [--iterations N] [--warmup N]
 * </pre>
 *
 * Threads come from {@code -Dai.djl.pytorch.num_threads=T} and {@code OMP_NUM_THREADS=T}
 * (bench/djl/run.sh sets both from {@code --threads T}). Inputs are random batches of
 * Fashion-MNIST's shape: a step's time does not depend on the pixel values.
 */
public final class DjlBench {
    private static final long HIGHEST_NANOS = 3_600_000_000_000L;

    private DjlBench() {}

    public static void main(String[] argv) {
        if (argv.length == 0 || !(argv[0].equals("step") || argv[0].equals("predict"))) {
            System.err.println("usage: DjlBench step|predict --model mlp|cnn [flags]");
            System.exit(2);
        }
        Map<String, String> flags = flags(argv);
        String model = flags.getOrDefault("model", "mlp");
        Map<String, Object> line = argv[0].equals("step")
                ? step(model, flags.getOrDefault("optimizer", "sgd"), integer(flags, "batch", 128),
                        integer(flags, "steps", 100), integer(flags, "warmup", 10))
                : predict(model, integer(flags, "batch", 1), integer(flags, "iterations", 100),
                        integer(flags, "warmup", 20));
        System.out.println(json(line));
    }

    /** SGD-momentum 0.9 at lr 0.01 or AdamW at lr 1e-3 with weight decay 0.01, as scripts/torch_reference.py. */
    private static Optimizer optimizer(String name) {
        return switch (name) {
            case "sgd" -> Optimizer.sgd().setLearningRateTracker(Tracker.fixed(0.01f)).optMomentum(0.9f).build();
            case "adamw" -> Optimizer.adamW().optLearningRateTracker(Tracker.fixed(1e-3f)).optWeightDecays(0.01f)
                    .build();
            default -> throw new IllegalArgumentException("unknown optimizer '" + name + "': expected sgd or adamw");
        };
    }

    /** Training steps: forward, softmax cross-entropy, backward and the optimizer's update, each timed whole. */
    private static Map<String, Object> step(String modelName, String optimizerName, int batch, int steps, int warmup) {
        Block block = Architectures.of(modelName);
        Histogram times = new Histogram(HIGHEST_NANOS, 3);
        long total = 0;
        float lastLoss = Float.NaN;
        try (Model model = Model.newInstance(modelName)) {
            model.setBlock(block);
            var config = new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss()).optOptimizer(optimizer(optimizerName));
            try (Trainer trainer = model.newTrainer(config)) {
                Shape shape = Architectures.inputShape(modelName, batch);
                trainer.initialize(shape);
                Architectures.pytorchDefaultInit(block, 1);
                NDManager manager = trainer.getManager();
                NDArray x = manager.randomNormal(shape);
                NDArray y = manager.randomInteger(0, 10, new Shape(batch), ai.djl.ndarray.types.DataType.INT64);
                for (int s = -warmup; s < steps; s++) {
                    long t0 = System.nanoTime();
                    // Every array the step makes lands in a sub-manager freed after it, as DJL's own
                    // training loop does with a batch's manager.
                    try (NDManager stepArrays = manager.newSubManager()) {
                        x.tempAttach(stepArrays);
                        y.tempAttach(stepArrays);
                        try (GradientCollector collector = trainer.newGradientCollector()) {
                            NDArray logits = trainer.forward(new NDList(x)).singletonOrThrow();
                            NDArray loss = trainer.getLoss().evaluate(new NDList(y), new NDList(logits));
                            collector.backward(loss);
                            if (s == steps - 1) {
                                lastLoss = loss.getFloat();
                            }
                        }
                        trainer.step();
                    }
                    long elapsed = System.nanoTime() - t0;
                    if (s >= 0) {
                        times.recordValue(Math.min(elapsed, HIGHEST_NANOS));
                        total += elapsed;
                    }
                }
            }
        }
        Map<String, Object> line = header("step", modelName, batch);
        line.put("optimizer", optimizerName);
        line.put("steps", steps);
        line.put("step_ms_p50", ms(times.getValueAtPercentile(50)));
        line.put("step_ms_p99", ms(times.getValueAtPercentile(99)));
        line.put("samples_per_s", Math.round((double) batch * steps / (total / 1e9) * 10) / 10.0);
        line.put("last_loss", lastLoss); // a sanity check: finite, below ln 10 = 2.30 after some steps
        return line;
    }

    /**
     * Serving calls: a float[] batch in, a forward pass without gradients (DJL records a graph only
     * inside a GradientCollector), the logits out as a float[], as Inertia's Predictor.predict.
     */
    private static Map<String, Object> predict(String modelName, int batch, int iterations, int warmup) {
        Block block = Architectures.of(modelName);
        Histogram times = new Histogram(HIGHEST_NANOS, 3);
        long total = 0;
        Shape shape = Architectures.inputShape(modelName, batch);
        float[] inputs = new float[Math.toIntExact(shape.size())];
        SplittableRandom random = new SplittableRandom(1);
        for (int i = 0; i < inputs.length; i++) {
            inputs[i] = (float) random.nextDouble();
        }
        float checksum = 0;
        try (Model model = Model.newInstance(modelName)) {
            model.setBlock(block);
            NDManager manager = model.getNDManager();
            block.initialize(manager, ai.djl.ndarray.types.DataType.FLOAT32, shape);
            Architectures.pytorchDefaultInit(block, 1);
            ParameterStore parameters = new ParameterStore(manager, false);
            for (int i = -warmup; i < iterations; i++) {
                long t0 = System.nanoTime();
                float[] outputs;
                try (NDManager callArrays = manager.newSubManager()) {
                    NDArray x = callArrays.create(inputs, shape);
                    outputs = block.forward(parameters, new NDList(x), false).singletonOrThrow().toFloatArray();
                }
                long elapsed = System.nanoTime() - t0;
                checksum += outputs[0];
                if (i >= 0) {
                    times.recordValue(Math.min(elapsed, HIGHEST_NANOS));
                    total += elapsed;
                }
            }
        }
        if (!Float.isFinite(checksum)) {
            throw new IllegalStateException("the model's output is not finite");
        }
        Map<String, Object> line = header("predict", modelName, batch);
        line.put("iterations", iterations);
        line.put("latency_ms_p50", ms(times.getValueAtPercentile(50)));
        line.put("latency_ms_p99", ms(times.getValueAtPercentile(99)));
        line.put("samples_per_s", Math.round((double) batch * iterations / (total / 1e9) * 10) / 10.0);
        return line;
    }

    private static Map<String, Object> header(String bench, String model, int batch) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("side", "djl");
        line.put("bench", bench);
        line.put("model", model);
        line.put("batch", batch);
        line.put("threads", Integer.getInteger("ai.djl.pytorch.num_threads", Runtime.getRuntime().availableProcessors()));
        line.put("engine", Engine.getInstance().getEngineName() + " " + Engine.getInstance().getVersion());
        line.put("djl", Engine.getDjlVersion());
        return line;
    }

    private static double ms(long nanos) {
        return Math.round(nanos / 1e3) / 1e3;
    }

    private static Map<String, String> flags(String[] argv) {
        Map<String, String> flags = new LinkedHashMap<>();
        for (int i = 1; i < argv.length; i += 2) {
            if (!argv[i].startsWith("--") || i + 1 >= argv.length) {
                System.err.println("DjlBench: expected --flag value pairs, got '" + argv[i] + "'");
                System.exit(2);
            }
            flags.put(argv[i].substring(2), argv[i + 1]);
        }
        return flags;
    }

    private static int integer(Map<String, String> flags, String name, int fallback) {
        return flags.containsKey(name) ? Integer.parseInt(flags.get(name)) : fallback;
    }

    private static String json(Map<String, Object> line) {
        StringBuilder b = new StringBuilder("{");
        for (var e : line.entrySet()) {
            if (b.length() > 1) {
                b.append(", ");
            }
            b.append('"').append(e.getKey()).append("\": ");
            Object v = e.getValue();
            b.append(v instanceof String s ? '"' + s + '"' : String.format(Locale.ROOT, "%s", v));
        }
        return b.append('}').toString();
    }
}
