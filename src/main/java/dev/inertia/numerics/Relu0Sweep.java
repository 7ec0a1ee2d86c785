package dev.inertia.numerics;

import dev.inertia.autodiff.Precision;
import dev.inertia.data.Dataset;
import dev.inertia.memory.DType;
import dev.inertia.memory.Scope;
import dev.inertia.nn.BatchNorm1d;
import dev.inertia.nn.Linear;
import dev.inertia.nn.Module;
import dev.inertia.nn.ReLU;
import dev.inertia.nn.Sequential;
import dev.inertia.train.EpochReport;
import dev.inertia.train.LossScaling;
import dev.inertia.optim.OptimizerRegistry;
import dev.inertia.train.Progress;
import dev.inertia.train.TrainConfig;
import dev.inertia.train.Trainer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * The ReLU'(0) sweep of Bertoin, Bolte, Gerchinovitz and Pauwels ("Numerical influence of
 * ReLU'(0) on backpropagation", NeurIPS 2021, section 4): the same network, from the same
 * initialization and the same shuffles, trained with ReLU'(0) = s for several values of s, and
 * its test accuracy per s. Their CIFAR-10 ResNet-18 at 32 bits with SGD and no batch norm: 90.1%
 * at s = 0, 89.1% at 0.1, 86.3% at 0.2, failure from 0.3; batch norm and Adam damp the effect.
 *
 * <p>Here the network is an MLP (784 → {@code width} × {@code hidden} layers → 10, each hidden
 * Linear followed by BatchNorm1d when batch norm is on, then ReLU; PyTorch's default
 * initialization from the seed), trained by {@link Trainer} with the tapes emulating the
 * precision op by op ({@code Tape#setPrecision}) and, optionally, loss scaling. Every
 * configuration (optimizer × batch norm) runs every s; a run is one {@link Run}.
 */
public final class Relu0Sweep {
    /** The paper's values of s. */
    public static final List<Double> DEFAULT_VALUES = List.of(0.0, 0.1, 0.2, 0.3, 0.5, 1.0);
    /** The optimizers the sweep compares, in the order the command line lists them. */
    public static final List<String> OPTIMIZERS = List.of("sgd", "innaprop");
    private static final int CLASSES = 10;

    private Relu0Sweep() {}

    /**
     * What to run.
     *
     * @param values     the values of ReLU'(0), each finite and distinct
     * @param precision  the emulated precision
     * @param batchNorm  with batch norm, without, or both (in that list's order)
     * @param optimizers names from {@link #OPTIMIZERS} (any of {@link OptimizerRegistry#NAMES} works)
     * @param hidden     hidden layers
     * @param width      units per hidden layer
     * @param epochs     epochs per run
     * @param batch      mini-batch size
     * @param lr         the learning rate, or NaN for each optimizer's default ({@link OptimizerRegistry})
     * @param seed       seeds the initialization and the shuffles (the same for every s)
     * @param maxSteps   optimizer steps per run at most (0: whole epochs)
     * @param lossScale  {@code static:N} or {@code dynamic} ({@link LossScaler#parse}), or null
     */
    public record Config(List<Double> values, Precision precision, List<Boolean> batchNorm, List<String> optimizers,
            int hidden, int width, int epochs, int batch, double lr, long seed, long maxSteps, String lossScale) {
        public Config {
            values = List.copyOf(values);
            batchNorm = List.copyOf(batchNorm);
            optimizers = List.copyOf(optimizers);
            Objects.requireNonNull(precision, "precision");
            if (values.isEmpty() || batchNorm.isEmpty() || optimizers.isEmpty()) {
                throw new IllegalArgumentException("the sweep needs at least one value of s, one batch-norm setting"
                        + " and one optimizer");
            }
            if (new HashSet<>(values).size() != values.size()) {
                throw new IllegalArgumentException("values of s must be distinct, got " + values);
            }
            for (double s : values) {
                if (!Double.isFinite(s)) {
                    throw new IllegalArgumentException("ReLU'(0) must be finite, got " + s);
                }
            }
            for (String o : optimizers) {
                if (!OptimizerRegistry.NAMES.contains(o.toLowerCase(Locale.ROOT))) {
                    throw new IllegalArgumentException("unknown optimizer '" + o + "': expected one of "
                            + String.join(", ", OptimizerRegistry.NAMES));
                }
            }
            if (hidden < 1 || width < 1 || epochs < 1 || batch < 1 || maxSteps < 0) {
                throw new IllegalArgumentException("hidden layers, width, epochs and batch must be at least 1 and max"
                        + " steps >= 0; got " + hidden + ", " + width + ", " + epochs + ", " + batch + ", " + maxSteps);
            }
            if (!Double.isNaN(lr) && !(lr >= 0 && Double.isFinite(lr))) {
                throw new IllegalArgumentException("learning rate must be finite and >= 0, got " + lr);
            }
            if (lossScale != null) {
                LossScaler.parse(lossScale); // validates the spec now rather than after the first runs
            }
        }

        /** Runs in all: values × batch-norm settings × optimizers. */
        public int runs() {
            return values.size() * batchNorm.size() * optimizers.size();
        }
    }

    /**
     * One training run's outcome.
     *
     * @param s             ReLU'(0)
     * @param lr            the learning rate used
     * @param steps         optimizer steps taken (skipped loss-scaling steps included)
     * @param trainLoss     the mean training loss of the last epoch
     * @param testLoss      the mean test loss after the last epoch
     * @param testAcc       the test accuracy after the last epoch
     * @param kinkHits      exactly-zero ReLU inputs met by the reverse sweeps, over the run
     * @param liveKinks     of those, the ones with a nonzero incoming gradient (where s mattered)
     * @param liveSteps     steps with at least one live kink
     * @param skippedSteps  steps skipped by loss scaling (a gradient overflowed)
     */
    public record Run(double s, Precision precision, String optimizer, boolean batchNorm, int hidden, int width,
            int epochs, int batch, double lr, long seed, long steps, double trainLoss, double testLoss, double testAcc,
            long kinkHits, long liveKinks, long liveSteps, long skippedSteps, double seconds) {
        /** The configuration this run belongs to, like {@code sgd, no batch norm, fp32}. */
        public String configuration() {
            return optimizer + (batchNorm ? ", batch norm" : ", no batch norm") + ", " + precision;
        }
    }

    /**
     * The sweep's network: {@code inputs} → ({@code width}, [BatchNorm1d], ReLU) × {@code hidden}
     * → {@value #CLASSES}, in {@code dtype}, PyTorch's default initialization from {@code seed}.
     */
    public static Sequential model(Scope scope, DType dtype, int inputs, int hidden, int width, boolean batchNorm,
            long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        List<Module> layers = new ArrayList<>();
        int in = inputs;
        for (int l = 0; l < hidden; l++) {
            layers.add(new Linear(scope, dtype, in, width, r));
            if (batchNorm) {
                layers.add(new BatchNorm1d(scope, dtype, width));
            }
            layers.add(new ReLU());
            in = width;
        }
        layers.add(new Linear(scope, dtype, in, CLASSES, r));
        return new Sequential(layers.toArray(Module[]::new));
    }

    /**
     * Runs every configuration and every s on {@code train}, evaluating on {@code test};
     * {@code each} receives every run as it finishes, {@code progress} (null: none) shows each
     * run's epochs.
     */
    public static List<Run> run(Dataset train, Dataset test, Config config, Consumer<Run> each, Progress progress) {
        Objects.requireNonNull(train, "train");
        Objects.requireNonNull(test, "test");
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(each, "each");
        if (train.classes() != CLASSES) {
            throw new IllegalArgumentException("the sweep's MLP has " + CLASSES + " outputs; " + train.name() + " has "
                    + train.classes() + " classes");
        }
        List<Run> runs = new ArrayList<>();
        for (String optimizer : config.optimizers()) {
            for (boolean batchNorm : config.batchNorm()) {
                for (double s : config.values()) {
                    Run r = one(train, test, config, optimizer.toLowerCase(Locale.ROOT), batchNorm, s, progress);
                    runs.add(r);
                    each.accept(r);
                }
            }
        }
        return runs;
    }

    private static Run one(Dataset train, Dataset test, Config c, String optimizer, boolean batchNorm, double s,
            Progress progress) {
        long start = System.nanoTime();
        Precision p = c.precision();
        LossScaling scaling = c.lossScale() == null ? null : LossScaler.parse(c.lossScale());
        String name = "relu0-sweep-mlp" + c.hidden() + "x" + c.width() + (batchNorm ? "-bn" : "");
        TrainConfig tc = new TrainConfig(name, false, c.epochs(), c.batch(), optimizer, c.lr(), s, c.seed(),
                c.maxSteps(), p.storage(), p.toString(), null, null, null, p, scaling);
        KinkMonitor monitor = new KinkMonitor();
        try (Scope scope = Scope.open();
                Trainer trainer = new Trainer(tc, model(scope, p.storage(), train.features(), c.hidden(), c.width(),
                        batchNorm, c.seed()), train, test, train.name())) {
            trainer.kinkListener(monitor::record).progress(progress);
            EpochReport last = trainer.run();
            long hits = 0, live = 0;
            for (KinkMonitor.OpTotals o : monitor.ops()) {
                hits += o.hits();
                live += o.live();
            }
            return new Run(s, p, optimizer, batchNorm, c.hidden(), c.width(), last.epoch(), c.batch(),
                    trainer.optimizer().groups().getFirst().lr(), c.seed(), trainer.globalStep(),
                    last.trainLoss(), last.testLoss(), last.testAcc(), hits, live, monitor.steps() - monitor.smoothSteps(),
                    scaling == null ? 0 : scaling.skippedSteps(), (System.nanoTime() - start) / 1e9);
        } catch (IOException e) { // the trainer only does I/O for checkpoints, which the sweep does not write
            throw new UncheckedIOException(e);
        }
    }
}
