package dev.inertia.numerics;

import dev.inertia.autodiff.Precision;
import dev.inertia.autodiff.KinkReport;
import dev.inertia.autodiff.Kinks;
import dev.inertia.autodiff.Tape;
import dev.inertia.autodiff.Var;
import dev.inertia.data.Batcher;
import dev.inertia.data.Dataset;
import dev.inertia.data.ImageDataset;
import dev.inertia.data.Normalization;
import dev.inertia.memory.DType;
import dev.inertia.memory.Scope;
import dev.inertia.memory.Tensor;
import java.util.Arrays;
import java.util.Objects;
import java.util.Random;

/**
 * The max-pool variant of the bifurcation experiment, after Boustany ("On the numerical
 * reliability of nonsmooth autodiff: a MaxPool case study", TMLR 2024): a small CNN
 * (conv 3×3 1→C pad 1, ReLU, max-pool 2; conv 3×3 C→2C pad 1, ReLU, max-pool 2; linear to 10
 * classes) backpropagates each mini-batch with two max-pool Jacobians, ties to the first index
 * and split evenly among the tied indices (the minimal-norm element); everything else, the
 * forward pass included, is the same. Each mini-batch is classified by the largest absolute
 * difference of the two gradients over all parameters, ||Δgrad||_∞ ({@link GradientZone}): zero,
 * compensation (at most τ, {@link #threshold} by default) or bifurcation (above τ, a "hit"). Unlike the ReLU experiment, every initialization runs its whole epoch
 * (SGD with the first-index gradient between mini-batches), since the measure is the share of
 * mini-batches.
 *
 * <p>As in {@link Bifurcation}, the second copy only runs when some tied max-pool window
 * received a nonzero gradient ({@link KinkReport#live()}); otherwise both Jacobians give the same
 * gradients.
 */
public final class PoolBifurcation {
    private static final int CLASSES = 10;

    private PoolBifurcation() {}

    /**
     * What to run.
     *
     * @param channels   channels of the first convolution (the second has twice as many)
     * @param maxBatches mini-batches per initialization at most; 0 for the whole epoch
     * @param tau        the threshold τ between compensation and bifurcation (finite, >= 0)
     */
    public record Config(Precision precision, int channels, int inits, int batch, double lr, long seed,
            int maxBatches, double tau) {
        /** A configuration with the precision's default τ ({@link GradientZone#defaultTau}). */
        public Config(Precision precision, int channels, int inits, int batch, double lr, long seed, int maxBatches) {
            this(precision, channels, inits, batch, lr, seed, maxBatches,
                    GradientZone.defaultTau(Objects.requireNonNull(precision, "precision")));
        }

        public Config {
            GradientZone.checkTau(tau);
            Objects.requireNonNull(precision, "precision");
            if (channels < 1 || inits < 1 || batch < 1) {
                throw new IllegalArgumentException("channels, inits and batch must be at least 1, not " + channels
                        + ", " + inits + ", " + batch);
            }
            if (!(lr >= 0) || !Double.isFinite(lr)) {
                throw new IllegalArgumentException("the SGD step size must be finite and >= 0, not " + lr);
            }
            if (maxBatches < 0) {
                throw new IllegalArgumentException("max batches must be >= 0 (0 = the whole epoch), not " + maxBatches);
            }
        }
    }

    /**
     * What was measured.
     *
     * @param hitBatches     mini-batches in the bifurcation zone (||Δgrad||_∞ &gt; τ)
     * @param hitInits       initializations with at least one such mini-batch
     * @param liveBatches    mini-batches with a tied max-pool window receiving a nonzero gradient
     * @param largest        the largest ||Δgrad||_∞ seen
     * @param kinks          the kink reports of the first-index copy, per ReLU and max-pool
     * @param compensationBatches mini-batches in the compensation zone (0 &lt; ||Δgrad||_∞ &lt;= τ)
     * @param differences    ||Δgrad||_∞ of every checked mini-batch
     */
    public record Result(Config config, long batchesChecked, long hitBatches, int hitInits, long liveBatches,
            double largest, KinkMonitor kinks, double seconds, long compensationBatches,
            DifferenceHistogram differences) {
        /** Mini-batches whose two gradients were bitwise equal. */
        public long noDifferenceBatches() {
            return batchesChecked - compensationBatches - hitBatches;
        }

        /** The share of checked mini-batches in the compensation zone. */
        public double compensationShare() {
            return batchesChecked == 0 ? 0 : (double) compensationBatches / batchesChecked;
        }

        /** The share of checked mini-batches over the threshold. */
        public double batchHitShare() {
            return batchesChecked == 0 ? 0 : (double) hitBatches / batchesChecked;
        }

        /** The share of initializations with a mini-batch over the threshold. */
        public double hitShare() {
            return (double) hitInits / config.inits();
        }
    }

    /** The default τ at {@code p} ({@link GradientZone#defaultTau}): 1e-3 at 16 bits, 1e-7 at fp32, 1e-15 at fp64. */
    public static double threshold(Precision p) {
        return GradientZone.defaultTau(p);
    }

    /** Runs the experiment on {@code train} (28×28 images, {@value #CLASSES} classes). */
    public static Result run(ImageDataset train, Config config) {
        Objects.requireNonNull(train, "train");
        Objects.requireNonNull(config, "config");
        if (train.classes() != CLASSES || train.rows() % 4 != 0 || train.cols() % 4 != 0) {
            throw new IllegalArgumentException("the max-pool CNN needs " + CLASSES + " classes and image sides"
                    + " divisible by 4; " + train.name() + " has " + train.classes() + " classes of "
                    + train.rows() + "x" + train.cols());
        }
        long start = System.nanoTime();
        Precision p = config.precision();
        DType dtype = p.storage();
        double threshold = config.tau();
        int c = config.channels();
        int flat = 2 * c * (train.rows() / 4) * (train.cols() / 4);
        long batches = 0, hitBatches = 0, live = 0, compensation = 0;
        DifferenceHistogram differences = new DifferenceHistogram();
        int hitInits = 0;
        double largest = 0;
        KinkMonitor monitor = new KinkMonitor();
        try (Scope scope = Scope.open(); Tape first = new Tape(Kinks.defaults().maxPool(Kinks.Ties.FIRST));
                Tape uniform = new Tape(Kinks.defaults().maxPool(Kinks.Ties.UNIFORM))) {
            first.setPrecision(p);
            uniform.setPrecision(p);
            Tensor[] weights = {Tensor.zeros(scope, dtype, c, 1, 3, 3), Tensor.zeros(scope, dtype, 2 * c, c, 3, 3),
                Tensor.zeros(scope, dtype, CLASSES, flat)};
            Tensor[] biases = {Tensor.zeros(scope, dtype, c), Tensor.zeros(scope, dtype, 2 * c),
                Tensor.zeros(scope, dtype, CLASSES)};
            int[] fanIn = {9, 9 * c, flat};
            Batcher batcher = Batcher.training(train, scope, config.batch(), Batcher.Layout.IMAGE, Normalization.UNIT,
                    config.seed());
            Tensor wide = dtype == DType.F64
                    ? Tensor.zeros(scope, DType.F64, config.batch(), 1, train.rows(), train.cols()) : null;
            int[] labels = new int[config.batch()];
            Var[] params0 = new Var[6];
            Var[] params1 = new Var[6];
            for (int init = 0; init < config.inits(); init++) {
                Random random = new Random(config.seed() * 1_000_003L + init);
                for (int l = 0; l < 3; l++) {
                    Experiments.pytorchDefault(weights[l], biases[l], fanIn[l], random);
                }
                batcher.startEpoch(init);
                boolean hit = false;
                for (int b = 0; Experiments.nextBatch(batcher, b, config.maxBatches(), labels); b++) {
                    Tensor x = Experiments.inStorage(batcher.images(), wide);
                    Var loss0 = forward(first, x, labels, weights, biases, params0);
                    KinkReport report = monitor.backward(first, loss0);
                    batches++;
                    double difference = 0; // without a live tie both Jacobians give the same gradients
                    if (livePool(report)) {
                        live++;
                        Var loss1 = forward(uniform, x, labels, weights, biases, params1);
                        if (!Experiments.bitwiseEqual(loss0.value(), loss1.value())) {
                            throw new IllegalStateException("the two copies computed different forward values:"
                                    + " the kernels are not deterministic");
                        }
                        uniform.backward(loss1);
                        difference = Experiments.maxAbsDifference(params0, params1);
                    }
                    differences.record(difference);
                    largest = Double.isNaN(difference) || Double.isNaN(largest) ? Double.NaN
                            : Math.max(largest, difference);
                    switch (GradientZone.of(difference, threshold)) {
                        case BIFURCATION -> {
                            hitBatches++;
                            hit = true;
                        }
                        case COMPENSATION -> compensation++;
                        case NONE -> { }
                    }
                    Experiments.sgdStep(params0, config.lr());
                }
                hitInits += hit ? 1 : 0;
            }
        }
        return new Result(config, batches, hitBatches, hitInits, live, largest, monitor,
                (System.nanoTime() - start) / 1e9, compensation, differences);
    }

    private static boolean livePool(KinkReport report) {
        for (KinkReport.Entry e : report.ops()) {
            if (e.op().equals("maxPool2d") && e.live() > 0) {
                return true;
            }
        }
        return false;
    }

    /** The CNN's loss on {@code tape} (reset first); params go to {@code params}. */
    private static Var forward(Tape tape, Tensor x, int[] labels, Tensor[] weights, Tensor[] biases, Var[] params) {
        tape.reset();
        for (int l = 0; l < 3; l++) {
            params[2 * l] = tape.param(weights[l]);
            params[2 * l + 1] = tape.param(biases[l]);
        }
        Var h = tape.constant(x).conv2d(params[0], params[1], 1, 1).relu().maxPool2d(2);
        h = h.conv2d(params[2], params[3], 1, 1).relu().maxPool2d(2);
        Var logits = h.flatten().matmul(params[4], false, true).add(params[5]);
        return logits.softmaxCrossEntropy(x.dim(0) == labels.length ? labels : Arrays.copyOf(labels, x.dim(0)));
    }
}
