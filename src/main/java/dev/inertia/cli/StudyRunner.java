package dev.inertia.cli;

import dev.inertia.data.CsvDataset;
import dev.inertia.data.CsvOptions;
import dev.inertia.data.Dataset;
import dev.inertia.data.FashionMnist;
import dev.inertia.data.Scaling;
import dev.inertia.data.Splits;
import dev.inertia.data.Subset;
import dev.inertia.io.AtomicFile;
import dev.inertia.memory.DType;
import dev.inertia.memory.Scope;
import dev.inertia.numerics.SeedSummary;
import dev.inertia.nn.Models;
import dev.inertia.nn.Sequential;
import dev.inertia.train.EpochReport;
import dev.inertia.train.Loss;
import dev.inertia.train.Metric;
import dev.inertia.train.TrainConfig;
import dev.inertia.train.Trainer;
import dev.inertia.train.TrainingDivergedException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * What {@code optimizer-study} and {@code alpha-beta-grid} share: the model and data flags, the
 * data loaded once, and one training run per (optimizer configuration, seed) through the
 * library's {@link Trainer} the way {@code inertia train} trains (the built-in mlp or cnn on
 * Fashion-MNIST through {@link TrainConfig}; on a CSV, the MLP of {@code train --csv} on a
 * stratified 80/20 split with standardized features, the split fixed by seed 1 so that the seeds
 * vary only the initialization and the shuffling). A run that diverges is kept, its figures NaN
 * from the diverging epoch on, rather than stopping the study.
 */
final class StudyRunner {
    /** The valued flags of both commands (each adds its own). */
    static final Set<String> FLAGS = Set.of("model", "epochs", "lr", "weight-decay", "schedule", "batch", "threads",
            "data-dir", "csv", "target", "hidden", "train-size", "seeds", "seed-base", "svg");
    /** The seed of the CSV's train/test split, the same for every run. */
    static final long SPLIT_SEED = 1;

    private final Args args;
    private final String model;
    private final Dataset train;
    private final Dataset test;
    private final String data;
    /** The CSV's scaling fitted on its training split, or null for Fashion-MNIST (normalized by the trainer). */
    private final Scaling scaling;
    private final int[] hidden;
    final int epochs;
    final int batch;
    final double lr;
    final String schedule;
    final long[] seeds;

    /** One run's figures: per epoch the mean train loss and the test accuracy, and the wall-clock seconds. */
    record Run(String label, String optimizer, double alpha, double beta, long seed, double[] trainLoss,
            double[] testAcc, double seconds, boolean diverged) {
        double finalTestAcc() {
            return testAcc[testAcc.length - 1];
        }

        double finalTrainLoss() {
            return trainLoss[trainLoss.length - 1];
        }
    }

    /**
     * Reads the shared flags of {@code args} and loads the data (a usage error or an unreadable
     * file: one line); {@code defaultSeeds} seeds without {@code --seeds}.
     */
    StudyRunner(Args args, int defaultSeeds) {
        this.args = args;
        this.model = args.choice("model", "mlp", "mlp", "cnn", "csv");
        boolean csv = model.equals("csv");
        for (String flag : List.of("csv", "target", "hidden")) {
            if (args.has(flag) && !csv) {
                throw new UsageException("--" + flag + " applies to --model csv");
            }
        }
        if (csv && args.has("data-dir")) {
            throw new UsageException("--data-dir is Fashion-MNIST's; --model csv reads --csv FILE");
        }
        if (csv && !(args.has("csv") && args.has("target"))) {
            throw new UsageException("--model csv needs --csv FILE and --target COLUMN");
        }
        this.schedule = args.choice("schedule", TrainConfig.SCHEDULES.getFirst(),
                TrainConfig.SCHEDULES.toArray(String[]::new));
        this.lr = args.has("lr") ? args.number("lr", 0) : Double.NaN;
        if (lr < 0) {
            throw new UsageException("--lr must be >= 0, got " + lr);
        }
        int n = args.positiveInteger("seeds", defaultSeeds);
        long base = args.longInteger("seed-base", 1);
        this.seeds = new long[n];
        for (int i = 0; i < n; i++) {
            seeds[i] = base + i;
        }
        this.hidden = CsvTrainCommand.widths(args.string("hidden", CsvTrainCommand.HIDDEN));
        this.batch = args.positiveInteger("batch", csv ? CsvTrainCommand.BATCH : 128);
        int trainSize = args.has("train-size") ? args.positiveInteger("train-size", 1) : 0;
        svgTarget(); // checked before hours of training, not after
        try {
            Dataset fullTrain;
            if (csv) {
                Path file = Path.of(args.string("csv", ""));
                if (!Files.isRegularFile(file)) {
                    throw new UsageException("--csv " + file + ": no such file");
                }
                CsvDataset rows = CsvDataset.read(file, CsvOptions.target(args.string("target", "")).classification());
                Splits.Result splits = Splits.split(rows, 0, 0.2, SPLIT_SEED);
                fullTrain = splits.train();
                this.test = splits.test();
                this.data = file.getFileName().toString();
            } else {
                FashionMnist.Splits fm = FashionMnist.load(args.has("data-dir") ? Path.of(args.string("data-dir", ""))
                        : null);
                fullTrain = fm.train();
                this.test = fm.test();
                this.data = fm.source().isSample() ? "bundled-sample" : fm.source().description();
            }
            this.train = trainSize > 0 && trainSize < fullTrain.size() ? first(fullTrain, trainSize) : fullTrain;
            this.scaling = csv ? Scaling.standardize(train) : null;
            this.epochs = args.has("epochs") ? args.positiveInteger("epochs", 1) : csv ? CsvTrainCommand.EPOCHS
                    : TrainCommand.FULL_EPOCHS;
        } catch (IOException e) { // missing data, a corrupt IDX file or CSV: already one line naming the file
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    private static Dataset first(Dataset data, int n) {
        int[] indices = new int[n];
        Arrays.setAll(indices, i -> i);
        return Subset.of(data, indices, "train");
    }

    /** The data, the model and the run's shape, for the commands' first line. */
    String describe() {
        return model + " on " + data + " (" + train.size() + " training rows, " + test.size() + " test), " + epochs
                + " epoch" + (epochs == 1 ? "" : "s") + ", batch " + batch + ", " + schedule + " schedule, seeds "
                + seeds[0] + ".." + seeds[seeds.length - 1];
    }

    String model() {
        return model;
    }

    /**
     * The optimizer of one configuration, checked without training: the flags of
     * {@link OptimizerFlags} with {@code overrides} (alpha, beta) on top.
     */
    OptimizerFlags optimizer(String optimizer, Map<String, Double> overrides) {
        return OptimizerFlags.parse(args, optimizer, lr, schedule, overrides);
    }

    /** Trains one run of {@code optimizer} with {@code overrides} from {@code seed}. */
    Run train(String label, String optimizer, Map<String, Double> overrides, long seed) {
        OptimizerFlags flags = optimizer(optimizer, overrides);
        double[] loss = new double[epochs], acc = new double[epochs];
        Arrays.fill(loss, Double.NaN);
        Arrays.fill(acc, Double.NaN);
        long start = System.nanoTime();
        boolean diverged = false;
        try (Scope scope = Scope.open()) {
            try (Trainer trainer = trainer(scope, flags, seed)) {
                trainer.listener((EpochReport r) -> {
                    loss[r.epoch() - 1] = r.trainLoss();
                    acc[r.epoch() - 1] = r.testAcc();
                });
                trainer.fit(train, test);
            }
        } catch (TrainingDivergedException e) {
            diverged = true;
        } catch (IOException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        Map<String, Double> h = flags.rule().hyperparameters();
        return new Run(label, optimizer, h.getOrDefault("alpha", Double.NaN), h.getOrDefault("beta", Double.NaN), seed,
                loss, acc, seconds, diverged);
    }

    private Trainer trainer(Scope scope, OptimizerFlags flags, long seed) {
        UnaryOperator<Trainer.Builder> adjust = flags::apply;
        if (scaling == null) { // Fashion-MNIST: the configuration inertia train runs
            Models.Kind kind = Models.Kind.parse(model);
            TrainConfig config = new TrainConfig(model, kind.imageInput(), epochs, batch, flags.optimizer(), lr, 0,
                    seed, 0, DType.F32, "fp32", null, null, null, null, null, schedule);
            Sequential net = Models.create(kind, scope, DType.F32, seed);
            return new Trainer(config, net, train, test, data, adjust);
        }
        Sequential net = Models.mlp(scope, DType.F32, train.features(), hidden, train.classes(), "relu", seed);
        return adjust.apply(Trainer.builder(net)).loss(Loss.crossEntropy()).metrics(Metric.accuracy()).epochs(epochs)
                .batchSize(batch).seed(seed).transform(scaling).build();
    }

    /** The {@code --svg} path, its directory checked to exist; null without the flag. */
    Path svgTarget() {
        if (!args.has("svg")) {
            return null;
        }
        Path svg = Path.of(args.string("svg", ""));
        Path dir = svg.toAbsolutePath().getParent();
        if (dir != null && !Files.isDirectory(dir)) {
            throw new UsageException("--svg " + svg + ": directory " + dir + " does not exist");
        }
        return svg;
    }

    /** Writes {@code text} to {@code file} atomically. */
    static void write(Path file, String text) {
        try {
            AtomicFile.write(file, channel -> {
                ByteBuffer bytes = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
                while (bytes.hasRemaining()) {
                    channel.write(bytes);
                }
            });
        } catch (IOException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /** A summary of accuracies (fractions) in percent, for the tables. */
    static SeedSummary percent(SeedSummary s) {
        return new SeedSummary(s.n(), 100 * s.mean(), 100 * s.std());
    }

    /** The numbers of a comma-separated list, like {@code 0.1,0.5,0.9}, for {@code --flag}. */
    static double[] numbers(String flag, String list) {
        return Args.numbers(flag, list).stream().mapToDouble(Double::doubleValue).toArray();
    }
}
