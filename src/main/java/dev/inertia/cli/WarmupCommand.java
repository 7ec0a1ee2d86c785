package dev.inertia.cli;

import dev.inertia.data.DataSource;
import dev.inertia.data.Dataset;
import dev.inertia.data.FashionMnist;
import dev.inertia.data.Normalization;
import dev.inertia.data.Subset;
import dev.inertia.io.Json;
import dev.inertia.kernels.KernelPool;
import dev.inertia.kernels.Parallel;
import dev.inertia.memory.DType;
import dev.inertia.memory.Scope;
import dev.inertia.nn.Models;
import dev.inertia.nn.Sequential;
import dev.inertia.train.EpochReport;
import dev.inertia.train.LoadedModel;
import dev.inertia.train.ModelFile;
import dev.inertia.train.ModelInfo;
import dev.inertia.train.Predictor;
import dev.inertia.train.TrainConfig;
import dev.inertia.train.Trainer;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * {@code inertia warmup}: a short run of what the other commands do, on the bundled Fashion-MNIST
 * sample whatever {@code INERTIA_DATA} says (so that it is the same run on every machine): a few
 * training steps of the mlp and of the cnn with their evaluation, a model file saved and loaded,
 * and predictions through a {@link Predictor}.
 *
 * <p>It is the training run of the {@code ./inertia} launcher's ahead-of-time cache (JEP 483/514:
 * the JVM records the classes this run loads, and the cache lets later runs skip loading and
 * verifying them); it prints one line per part with its wall time, which also makes it a quick
 * look at how long a cold JVM takes to its first steps.
 */
final class WarmupCommand {
    static final String USAGE = "warmup [--mlp-steps N] [--cnn-steps N] [--threads T] [--json]";
    /** Evaluation examples per model: a full batch of 128 and a partial one, cheap when cold. */
    private static final int EVAL_EXAMPLES = 130;
    /** Rows sent through the predictor. */
    private static final int PREDICT_ROWS = 16;

    private WarmupCommand() {}

    /** Runs the command; {@code argv} are the flags after {@code warmup}. */
    static void run(List<String> argv, PrintStream out, PrintStream err) {
        Args args = Args.parse("warmup", argv, Set.of("mlp-steps", "cnn-steps", "threads"), Set.of("json"));
        int mlpSteps = args.positiveInteger("mlp-steps", 2);
        int cnnSteps = args.positiveInteger("cnn-steps", 1);
        boolean json = args.has("json");
        try (KernelPool kernels = CommandPool.of(args); KernelPool.Binding bound = kernels.bind()) {
            // the sample, never INERTIA_DATA or the system directory: the same run everywhere
            DataSource sample = FashionMnist.locate(null, name -> null, null);
            FashionMnist.Splits data = FashionMnist.load(sample);
            Dataset test = Subset.of(data.test(), firstIndices(EVAL_EXAMPLES), "warm-up");
            Path modelFile = Files.createTempFile("inertia-warmup", ".safetensors");
            try (Scope scope = Scope.open()) {
                long t0 = System.nanoTime();
                Sequential mlp = train(Models.Kind.MLP, mlpSteps, scope, data, test, "mlp", json, out);
                train(Models.Kind.CNN, cnnSteps, scope, data, test, "cnn", json, out);
                long t1 = System.nanoTime();
                ModelFile.save(modelFile, mlp, ModelInfo.of(test, Normalization.FASHION_MNIST).withFlattenInput(true));
                int[] classes;
                try (LoadedModel loaded = ModelFile.load(modelFile);
                        Predictor predictor = ModelCommands.predictor(loaded)) {
                    float[][] rows = new float[PREDICT_ROWS][];
                    for (int i = 0; i < rows.length; i++) {
                        rows[i] = test.features(i);
                    }
                    classes = predictor.predictClass(rows);
                }
                double ms = (System.nanoTime() - t1) / 1e6;
                print(json, out, new Json().put("part", "predict").put("rows", classes.length).put("ms", ms),
                        String.format(Locale.ROOT, "predict: %d rows through a saved and loaded mlp, %.0f ms",
                                classes.length, ms));
                err.printf(Locale.ROOT, "warmup: %.1f s, %d thread%s%n", (System.nanoTime() - t0) / 1e9,
                        Parallel.threads(), Parallel.threads() == 1 ? "" : "s");
            } finally {
                Files.deleteIfExists(modelFile);
            }
        } catch (IOException e) { // the bundled sample missing from a broken jar, a full temporary directory
            throw new UncheckedIOException(e);
        }
    }

    /** Trains {@code kind} for {@code steps} steps on the sample and prints its first and median step times. */
    private static Sequential train(Models.Kind kind, int steps, Scope scope, FashionMnist.Splits data, Dataset test,
            String name, boolean json, PrintStream out) throws IOException {
        Sequential model = Models.create(kind, scope, DType.F32, 1);
        TrainConfig config = new TrainConfig(name, kind.imageInput(), 1, 128, "innaprop", Double.NaN, 0, 1, steps,
                DType.F32, "fp32", null, null, null);
        long t0 = System.nanoTime();
        EpochReport r;
        try (Trainer trainer = new Trainer(config, model, data.train(), test, data.source().description())) {
            r = trainer.run();
        }
        double ms = (System.nanoTime() - t0) / 1e6;
        print(json, out, new Json().put("part", name).put("steps", r.steps()).put("first_step_ms", r.firstStepMs())
                        .put("step_ms_p50", r.stepMsP50()).put("ms", ms),
                String.format(Locale.ROOT, "%s: %d steps, first %.0f ms, p50 %.1f ms, %.0f ms with evaluation",
                        name, r.steps(), r.firstStepMs(), r.stepMsP50(), ms));
        return model;
    }

    private static void print(boolean json, PrintStream out, Json line, String text) {
        out.println(json ? line.toString() : text);
        out.flush();
    }

    private static int[] firstIndices(int n) {
        int[] indices = new int[n];
        for (int i = 0; i < n; i++) {
            indices[i] = i;
        }
        return indices;
    }
}
