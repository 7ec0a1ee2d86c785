package dev.inertia.numerics;

import dev.inertia.autodiff.KinkReport;
import dev.inertia.autodiff.Kinks;
import dev.inertia.autodiff.Precision;
import dev.inertia.data.Dataset;
import dev.inertia.memory.DType;
import dev.inertia.memory.Scope;
import dev.inertia.nn.BatchNorm2d;
import dev.inertia.nn.Conv2d;
import dev.inertia.nn.Flatten;
import dev.inertia.nn.Linear;
import dev.inertia.nn.MaxPool2d;
import dev.inertia.nn.Module;
import dev.inertia.nn.ReLU;
import dev.inertia.nn.Sequential;
import dev.inertia.optim.OptimizerRegistry;
import dev.inertia.train.EpochReport;
import dev.inertia.train.LossScaling;
import dev.inertia.train.Progress;
import dev.inertia.train.TrainConfig;
import dev.inertia.train.Trainer;
import dev.inertia.train.TrainingDivergedException;
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
 * The max-pool Jacobian sweep of Boustany ("On the numerical reliability of nonsmooth autodiff:
 * a MaxPool case study", TMLR 2024): the same CNN, from the same initialization and the same
 * shuffles, trained with max-pool ties split by the affine family {@code beta · uniform + (1 -
 * beta) · first} ({@link Kinks.Ties}) for several beta, and its test accuracy per beta. The study
 * sweeps beta in {0, 1, 10, 100, 1000, 10000}: in 32 bits the choice hardly matters, in 16 bits
 * (where ties are frequent) a large beta degrades or breaks training, and batch norm, which
 * breaks ties by recentring, damps the effect.
 *
 * <p>Here the network is docs/DESIGN.md's cnn ({@link dev.inertia.nn.Models#cnn}), with
 * BatchNorm2d after each convolution when batch norm is on, trained by {@link Trainer} with the
 * tapes emulating the precision op by op and, optionally, loss scaling. Every beta runs every seed
 * (seed, seed + 1, ...: initialization and shuffles; every beta of one seed starts from the same
 * weights). A run whose loss or gradient stops being finite is kept as {@link Run#diverged()}
 * with NaN accuracy, not thrown: a diverging large beta is one of the results.
 */
public final class PoolSweep {
    /** The study's values of beta. */
    public static final List<Double> DEFAULT_BETAS = List.of(0.0, 1.0, 10.0, 100.0, 1000.0, 10000.0);
    /** The name of the max-pool op in kink reports. */
    static final String POOL_OP = "maxPool2d";
    private static final int CLASSES = 10;

    private PoolSweep() {}

    /**
     * What to run.
     *
     * @param betas      the values of beta, each finite and distinct
     * @param precision  the emulated precision
     * @param batchNorm  whether the cnn has BatchNorm2d after its convolutions
     * @param optimizer  a name from {@link OptimizerRegistry#NAMES}
     * @param seeds      runs per beta, from seeds {@code seed}, {@code seed + 1}, ...
     * @param seed       the first seed
     * @param epochs     epochs per run
     * @param batch      mini-batch size
     * @param lr         the learning rate, or NaN for the optimizer's default
     * @param maxSteps   optimizer steps per run at most (0: whole epochs)
     * @param lossScale  {@code static:N} or {@code dynamic} ({@link LossScaler#parse}), or null
     */
    public record Config(List<Double> betas, Precision precision, boolean batchNorm, String optimizer, int seeds,
            long seed, int epochs, int batch, double lr, long maxSteps, String lossScale) {
        public Config {
            betas = List.copyOf(betas);
            Objects.requireNonNull(precision, "precision");
            Objects.requireNonNull(optimizer, "optimizer");
            if (betas.isEmpty()) {
                throw new IllegalArgumentException("the sweep needs at least one value of beta");
            }
            if (new HashSet<>(betas).size() != betas.size()) {
                throw new IllegalArgumentException("values of beta must be distinct, got " + betas);
            }
            for (double b : betas) {
                Kinks.Ties.mix(b); // refuses NaN and infinite beta with the policy's own message
            }
            optimizer = optimizer.toLowerCase(Locale.ROOT);
            if (!OptimizerRegistry.NAMES.contains(optimizer)) {
                throw new IllegalArgumentException("unknown optimizer '" + optimizer + "': expected one of "
                        + String.join(", ", OptimizerRegistry.NAMES));
            }
            if (seeds < 1 || epochs < 1 || batch < 1 || maxSteps < 0) {
                throw new IllegalArgumentException("seeds, epochs and batch must be at least 1 and max steps >= 0;"
                        + " got " + seeds + ", " + epochs + ", " + batch + ", " + maxSteps);
            }
            if (!Double.isNaN(lr) && !(lr >= 0 && Double.isFinite(lr))) {
                throw new IllegalArgumentException("learning rate must be finite and >= 0, got " + lr);
            }
            if (lossScale != null) {
                LossScaler.parse(lossScale); // validates the spec now rather than after the first runs
            }
        }

        /** Runs in all: betas × seeds. */
        public int runs() {
            return betas.size() * seeds;
        }

        /** Like {@code sgd, batch norm, fp16}. */
        public String configuration() {
            return optimizer + (batchNorm ? ", batch norm" : ", no batch norm") + ", " + precision;
        }
    }

    /**
     * One training run's outcome.
     *
     * @param beta          the tie policy's beta
     * @param seed          initialization and shuffles
     * @param lr            the learning rate used
     * @param steps         optimizer steps taken (up to the diverging one)
     * @param trainLoss     the mean training loss of the last epoch (NaN if diverged)
     * @param testLoss      the mean test loss after the last epoch (NaN if diverged)
     * @param testAcc       the test accuracy after the last epoch (NaN if diverged)
     * @param diverged      whether the loss, a gradient or the state stopped being finite
     * @param poolTies      max-pool windows with a tie met by the reverse sweeps, over the run
     * @param livePoolTies  of those, the ones with a nonzero incoming gradient (where beta mattered)
     * @param liveSteps     steps with at least one live max-pool tie
     * @param skippedSteps  steps skipped by loss scaling (a gradient overflowed)
     * @param seconds       wall time of the run
     */
    public record Run(double beta, long seed, double lr, long steps, double trainLoss, double testLoss,
            double testAcc, boolean diverged, long poolTies, long livePoolTies, long liveSteps, long skippedSteps,
            double seconds) {}

    /**
     * The sweep's network: docs/DESIGN.md's cnn in {@code dtype} from {@code seed} (the same
     * parameters as {@link dev.inertia.nn.Models#cnn}), with a BatchNorm2d after each
     * convolution when {@code batchNorm} (it draws nothing from the generator, so the other
     * layers start from the same weights either way).
     */
    public static Sequential model(Scope scope, DType dtype, boolean batchNorm, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        List<Module> layers = new ArrayList<>();
        layers.add(new Conv2d(scope, dtype, 1, 32, 5, 2, r));
        if (batchNorm) {
            layers.add(new BatchNorm2d(scope, dtype, 32));
        }
        layers.add(new ReLU());
        layers.add(new MaxPool2d(2));
        layers.add(new Conv2d(scope, dtype, 32, 64, 5, 2, r));
        if (batchNorm) {
            layers.add(new BatchNorm2d(scope, dtype, 64));
        }
        layers.add(new ReLU());
        layers.add(new MaxPool2d(2));
        layers.add(new Flatten());
        layers.add(new Linear(scope, dtype, 3136, 1024, r));
        layers.add(new ReLU());
        layers.add(new Linear(scope, dtype, 1024, CLASSES, r));
        return new Sequential(layers.toArray(Module[]::new));
    }

    /**
     * Runs every seed and every beta on {@code train} (28×28 images), evaluating on {@code test};
     * {@code each} receives every run as it finishes, {@code progress} (null: none) shows each
     * run's epochs. Runs are in seed-major order: all betas of the first seed, then the next.
     */
    public static List<Run> run(Dataset train, Dataset test, Config config, Consumer<Run> each, Progress progress) {
        Objects.requireNonNull(train, "train");
        Objects.requireNonNull(test, "test");
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(each, "each");
        if (train.classes() != CLASSES || train.features() != 28 * 28) {
            throw new IllegalArgumentException("the sweep's cnn takes 28x28 images of " + CLASSES + " classes; "
                    + train.name() + " has " + train.features() + " features and " + train.classes() + " classes");
        }
        List<Run> runs = new ArrayList<>();
        for (int s = 0; s < config.seeds(); s++) {
            for (double beta : config.betas()) {
                Run r = one(train, test, config, beta, config.seed() + s, progress);
                runs.add(r);
                each.accept(r);
            }
        }
        return runs;
    }

    private static Run one(Dataset train, Dataset test, Config c, double beta, long seed, Progress progress) {
        long start = System.nanoTime();
        Precision p = c.precision();
        LossScaling scaling = c.lossScale() == null ? null : LossScaler.parse(c.lossScale());
        String name = "pool-sweep-cnn" + (c.batchNorm() ? "-bn" : "");
        TrainConfig tc = new TrainConfig(name, true, c.epochs(), c.batch(), c.optimizer(), c.lr(), 0, seed,
                c.maxSteps(), p.storage(), p.toString(), null, null, null, p, scaling, "constant",
                Kinks.Ties.mix(beta));
        KinkMonitor monitor = new KinkMonitor();
        long[] liveSteps = new long[1]; // steps with a live tie in either pool: the monitor counts per op
        try (Scope scope = Scope.open();
                Trainer trainer = new Trainer(tc, model(scope, p.storage(), c.batchNorm(), seed), train, test,
                        train.name())) {
            trainer.kinkListener(report -> {
                monitor.record(report);
                liveSteps[0] += livePool(report) ? 1 : 0;
            }).progress(progress);
            double lr = trainer.optimizer().groups().getFirst().lr();
            EpochReport last;
            long steps;
            try {
                last = trainer.run();
                steps = trainer.globalStep();
            } catch (TrainingDivergedException e) {
                last = null;
                steps = e.step();
            }
            long hits = 0, live = 0;
            for (KinkMonitor.OpTotals o : monitor.ops()) {
                if (o.op().equals(POOL_OP)) {
                    hits += o.hits();
                    live += o.live();
                }
            }
            double nan = Double.NaN;
            return new Run(beta, seed, lr, steps, last == null ? nan : last.trainLoss(),
                    last == null ? nan : last.testLoss(), last == null ? nan : last.testAcc(), last == null, hits,
                    live, liveSteps[0], scaling == null ? 0 : scaling.skippedSteps(), (System.nanoTime() - start) / 1e9);
        } catch (IOException e) { // the trainer only does I/O for checkpoints, which the sweep does not write
            throw new UncheckedIOException(e);
        }
    }

    private static boolean livePool(KinkReport report) {
        for (KinkReport.Entry e : report.ops()) {
            if (e.op().equals(POOL_OP) && e.live() > 0) {
                return true;
            }
        }
        return false;
    }

    /**
     * Per beta (in the configuration's order), the summaries over seeds of the test accuracy,
     * the final train loss and the live max-pool ties, and how many runs diverged.
     */
    public record BetaSummary(double beta, SeedSummary testAcc, SeedSummary trainLoss, SeedSummary livePoolTies,
            int diverged) {}

    /** The runs of {@link #run} summarized per beta. */
    public static List<BetaSummary> summarize(List<Run> runs, Config config) {
        List<BetaSummary> out = new ArrayList<>();
        for (double beta : config.betas()) {
            List<Run> mine = runs.stream().filter(r -> Double.compare(r.beta(), beta) == 0).toList();
            if (mine.isEmpty()) {
                continue;
            }
            int diverged = (int) mine.stream().filter(Run::diverged).count();
            out.add(new BetaSummary(beta, SeedSummary.of(mine.stream().mapToDouble(Run::testAcc).toArray()),
                    SeedSummary.of(mine.stream().mapToDouble(Run::trainLoss).toArray()),
                    SeedSummary.of(mine.stream().mapToDouble(r -> (double) r.livePoolTies()).toArray()), diverged));
        }
        return out;
    }
}
