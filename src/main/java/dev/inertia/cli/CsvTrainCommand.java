package dev.inertia.cli;

import dev.inertia.optim.OptimizerRegistry;
import dev.inertia.io.Json;
import dev.inertia.data.CsvDataset;
import dev.inertia.data.CsvOptions;
import dev.inertia.data.Dataset;
import dev.inertia.data.FeatureTransform;
import dev.inertia.data.Scaling;
import dev.inertia.data.Splits;
import dev.inertia.kernels.KernelPool;
import dev.inertia.kernels.Parallel;
import dev.inertia.memory.DType;
import dev.inertia.memory.Scope;
import dev.inertia.nn.Models;
import dev.inertia.nn.Module;
import dev.inertia.nn.Rescale;
import dev.inertia.nn.Sequential;
import dev.inertia.train.EarlyStopping;
import dev.inertia.train.EpochReport;
import dev.inertia.train.History;
import dev.inertia.train.Loss;
import dev.inertia.train.Metric;
import dev.inertia.train.ModelFile;
import dev.inertia.train.ModelInfo;
import dev.inertia.train.Progress;
import dev.inertia.train.TrainConfig;
import dev.inertia.train.TrainListener;
import dev.inertia.train.Trainer;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code inertia train --csv FILE --target COLUMN}: an MLP on the user's CSV, classification or
 * regression. The rows are split (stratified for classification) into train, an optional
 * validation share for early stopping, and test; the features are standardized on the training
 * split (or min-max scaled, or left alone), and so are regression targets (the model ends with a
 * {@link Rescale} back to the targets' units); each epoch prints the test metrics. {@code --save-model}
 * writes the trained model with its scaling and class names for {@code inertia predict}.
 */
final class CsvTrainCommand {
    /** Defaults suited to small tabular sets: more epochs of smaller batches than Fashion-MNIST's. */
    static final int EPOCHS = 100, BATCH = 32;
    static final String HIDDEN = "64,64";

    private CsvTrainCommand() {}

    static void run(List<String> argv, PrintStream out, PrintStream err) {
        Set<String> valued = new HashSet<>(Set.of("csv", "target", "task", "columns", "exclude", "hidden", "activation",
                "test-fraction", "validation-fraction", "patience", "standardize", "scaling", "class-order",
                "save-model", "epochs", "batch", "optimizer", "lr", "schedule", "seed", "threads", "max-steps"));
        valued.addAll(OptimizerFlags.FLAGS);
        Args args = Args.parse("train --csv", argv, valued, Set.of("json"));
        if (!args.has("target")) {
            throw new UsageException("train --csv needs --target COLUMN, the column to predict");
        }
        Path file = Path.of(args.string("csv", ""));
        if (!Files.isRegularFile(file)) {
            throw new UsageException("--csv " + file + ": no such file");
        }
        boolean regression = args.choice("task", "classification", "classification", "regression")
                .equals("regression");
        String optimizer = args.choice("optimizer", "innaprop", OptimizerRegistry.NAMES.toArray(String[]::new));
        double lr = args.has("lr") ? args.number("lr", 0) : Double.NaN;
        if (lr < 0) {
            throw new UsageException("--lr must be >= 0, got " + lr);
        }
        String schedule = args.choice("schedule", TrainConfig.SCHEDULES.getFirst(),
                TrainConfig.SCHEDULES.toArray(String[]::new));
        OptimizerFlags flags = OptimizerFlags.parse(args, optimizer, lr, schedule);
        int epochs = args.positiveInteger("epochs", EPOCHS);
        int batch = args.positiveInteger("batch", BATCH);
        long seed = args.longInteger("seed", 1);
        long maxSteps = args.has("max-steps") ? args.positiveInteger("max-steps", 1) : 0;
        int[] hidden = widths(args.string("hidden", HIDDEN));
        String activation = args.choice("activation", "relu", Models.ACTIVATIONS.toArray(String[]::new));
        double testFraction = fraction(args, "test-fraction", 0.2);
        double validationFraction = fraction(args, "validation-fraction", 0);
        String scaling = scaling(args);
        int patience = args.has("patience") ? args.positiveInteger("patience", 1) : 0;
        if (patience > 0 && validationFraction == 0) {
            throw new UsageException("--patience stops on the validation loss: give --validation-fraction too");
        }
        Path saveModel = args.has("save-model") ? Path.of(args.string("save-model", "")) : null;
        if (saveModel != null && saveModel.toAbsolutePath().getParent() != null
                && !Files.isDirectory(saveModel.toAbsolutePath().getParent())) {
            throw new UsageException("--save-model " + saveModel + ": directory "
                    + saveModel.toAbsolutePath().getParent() + " does not exist");
        }
        try (KernelPool kernels = CommandPool.of(args); KernelPool.Binding bound = kernels.bind()) {
            CsvOptions options = CsvOptions.target(args.string("target", ""));
            options = regression ? options.regression() : options.classification();
            if (args.has("columns")) {
                options = options.include(names(args.string("columns", "")));
            }
            if (args.has("exclude")) {
                options = options.exclude(names(args.string("exclude", "")));
            }
            options = options.classOrder(args.choice("class-order", "sorted", "sorted", "first").equals("sorted")
                    ? CsvOptions.ClassOrder.SORTED : CsvOptions.ClassOrder.FIRST_APPEARANCE);
            boolean json = args.has("json");
            try {
                CsvDataset data = CsvDataset.read(file, options);
                Splits.Result splits = Splits.split(data, validationFraction, testFraction, seed);
                Dataset validation = splits.hasValidation() ? splits.validation() : null;
                Dataset test = splits.hasTest() ? splits.test() : null;
                FeatureTransform transform = scaling.equals("none") ? FeatureTransform.IDENTITY
                        : Scaling.fit(scaling, splits.train());
                int outputs = regression ? data.targetWidth() : data.classes();
                err.println("inertia train: " + data + "; " + splits.train().size() + " training rows, "
                        + (validation == null ? 0 : validation.size()) + " validation, " + (test == null ? 0 : test.size())
                        + " test (seed " + seed + "); scaling " + scaling + "; mlp " + data.features()
                        + (hidden.length == 0 ? "" : " -> " + joined(hidden)) + " -> " + outputs + " (" + activation
                        + "), " + optimizer + " (" + schedule + " schedule), batch " + batch + ", " + Parallel.threads()
                        + " thread" + (Parallel.threads() == 1 ? "" : "s"));
                try (Scope scope = Scope.open()) {
                    Sequential model = Models.mlp(scope, DType.F32, data.features(), hidden, outputs, activation, seed);
                    if (regression && !scaling.equals("none")) { // the layers learn standardized targets
                        model = withTargetScale(model, scope, splits.train());
                    }
                    Trainer.Builder builder = flags.apply(Trainer.builder(model))
                            .loss(regression ? Loss.mse() : Loss.crossEntropy())
                            .metrics(regression ? new Metric[] {Metric.rmse(), Metric.mae(), Metric.r2()}
                                    : new Metric[] {Metric.accuracy()})
                            .epochs(epochs).batchSize(batch).maxSteps(maxSteps).seed(seed)
                            .transform(transform);
                    if (patience > 0) {
                        builder.earlyStopping(EarlyStopping.on("loss", patience));
                    }
                    if (err == System.err) {
                        builder.progress(Progress.onStderr());
                    }
                    try (Trainer trainer = builder.build()) {
                        Printer printer = new Printer(trainer, test, validation != null, regression, file, optimizer,
                                schedule, batch, json, out, err);
                        trainer.listener(printer);
                        History history = trainer.fit(splits.train(), validation != null ? validation : test);
                        if (test != null) {
                            Map<String, Double> last = trainer.evaluate(test);
                            err.println(String.format(Locale.ROOT, "done: %d steps; test %s (%d rows)%s",
                                    trainer.globalStep(), summary(last, regression), test.size(),
                                    history.stoppedEarly() ? "; early stopping kept epoch " + history.bestEpoch() : ""));
                        }
                        if (saveModel != null) {
                            ModelFile.save(saveModel, model, ModelInfo.of(data, transform));
                            err.println("model written to " + saveModel + " (inertia predict --model " + saveModel
                                    + " --csv FILE)");
                        }
                    }
                }
            } catch (IOException e) { // a bad CSV or an unwritable model file: one line naming it
                throw new IllegalArgumentException(e.getMessage(), e);
            }
        }
    }

    /** {@code model} followed by a {@link Rescale} from standardized targets to the targets' units. */
    private static Sequential withTargetScale(Sequential model, Scope scope, Dataset train) {
        int width = train.targetWidth();
        double[] mean = new double[width], m2 = new double[width];
        float[] t = new float[width];
        for (int i = 0; i < train.size(); i++) { // Welford, as Scaling.standardize
            train.copyTarget(i, t, 0);
            for (int j = 0; j < width; j++) {
                double delta = t[j] - mean[j];
                mean[j] += delta / (i + 1);
                m2[j] += delta * (t[j] - mean[j]);
            }
        }
        double[] std = new double[width];
        for (int j = 0; j < width; j++) {
            double s = Math.sqrt(m2[j] / train.size());
            std[j] = s > 0 ? s : 1;
        }
        List<Module> layers = new ArrayList<>(model.layers());
        layers.add(new Rescale(scope, DType.F32, std, mean));
        return new Sequential(layers.toArray(Module[]::new));
    }

    static String summary(Map<String, Double> m, boolean regression) {
        return regression
                ? String.format(Locale.ROOT, "rmse %.4g, mae %.4g, r2 %.4f", m.get("rmse"), m.get("mae"), m.get("r2"))
                : String.format(Locale.ROOT, "accuracy %.2f%%, loss %.4f", 100 * m.get("accuracy"), m.get("loss"));
    }

    private static double fraction(Args args, String name, double fallback) {
        double f = args.number(name, fallback);
        if (f < 0 || f >= 1) {
            throw new UsageException("--" + name + " must be in [0, 1), got " + f);
        }
        return f;
    }

    private static String scaling(Args args) {
        if (args.has("scaling")) {
            if (args.has("standardize")) {
                throw new UsageException("--standardize and --scaling say the same thing: give one");
            }
            return args.choice("scaling", "standardize", "standardize", "minmax", "none");
        }
        return args.choice("standardize", "on", "on", "off").equals("on") ? Scaling.STANDARDIZE : "none";
    }

    static int[] widths(String list) {
        if (list.isBlank()) {
            return new int[0];
        }
        String[] parts = list.split(",");
        int[] w = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                w[i] = Integer.parseInt(parts[i].trim());
            } catch (NumberFormatException e) {
                throw new UsageException("--hidden expects widths like 64,64, got '" + list + "'");
            }
            if (w[i] < 1) {
                throw new UsageException("--hidden widths must be at least 1, got '" + list + "'");
            }
        }
        return w;
    }

    private static String[] names(String list) {
        return Arrays.stream(list.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toArray(String[]::new);
    }

    private static String joined(int[] widths) {
        List<String> s = new ArrayList<>();
        for (int w : widths) {
            s.add(Integer.toString(w));
        }
        return String.join(" -> ", s);
    }

    /** Prints each epoch with the test split's metrics (and the validation split's, when there is one). */
    private record Printer(Trainer trainer, Dataset test, boolean hasValidation, boolean regression, Path file,
            String optimizer, String schedule, int batch, boolean json, PrintStream out, PrintStream err)
            implements TrainListener {
        @Override
        public void epoch(EpochReport r) {
            Map<String, Double> testMetrics = test == null ? Map.of() : hasValidation ? trainer.evaluate(test)
                    : r.metrics();
            Json line = new Json()
                    .put("epoch", r.epoch())
                    .put("epochs", r.epochs())
                    .put("partial", r.partial())
                    .put("steps", r.steps())
                    .put("step", r.globalStep())
                    .put("train_loss", r.trainLoss())
                    .put("test_loss", testMetrics.getOrDefault("loss", Double.NaN));
            if (regression) {
                line.put("test_rmse", testMetrics.getOrDefault("rmse", Double.NaN))
                        .put("test_mae", testMetrics.getOrDefault("mae", Double.NaN))
                        .put("test_r2", testMetrics.getOrDefault("r2", Double.NaN));
            } else {
                line.put("test_acc", testMetrics.getOrDefault("accuracy", Double.NaN));
            }
            if (hasValidation) {
                r.metrics().forEach((k, v) -> line.put("val_" + (k.equals("accuracy") ? "acc" : k), v));
            }
            line.put("samples_per_s", r.samplesPerS())
                    .put("step_ms_p50", r.stepMsP50())
                    .put("step_ms_p99", r.stepMsP99())
                    .put("first_step_ms", r.firstStepMs())
                    .put("task", regression ? "regression" : "classification")
                    .put("optimizer", optimizer)
                    .put("schedule", schedule)
                    .put("batch", batch)
                    .put("threads", Parallel.threads())
                    .put("data", file.getFileName().toString());
            if (json) {
                out.println(line);
            } else {
                out.printf(Locale.ROOT, "epoch %d/%d%s  train_loss %.4f  test %s  %,.0f samples/s  step ms p50 %.3f%n",
                        r.epoch(), r.epochs(), r.partial() ? " (partial, " + r.steps() + " steps)" : "", r.trainLoss(),
                        test == null ? "-" : summary(testMetrics, regression), r.samplesPerS(), r.stepMsP50());
            }
            out.flush();
        }

        @Override
        public void message(String line) {
            err.println("inertia train: " + line);
        }
    }
}
