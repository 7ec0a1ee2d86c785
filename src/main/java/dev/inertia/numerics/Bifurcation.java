package dev.inertia.numerics;

import dev.inertia.autodiff.Precision;
import dev.inertia.autodiff.KinkReport;
import dev.inertia.autodiff.Kinks;
import dev.inertia.autodiff.Tape;
import dev.inertia.autodiff.Var;
import dev.inertia.data.Batcher;
import dev.inertia.data.Dataset;
import dev.inertia.data.Normalization;
import dev.inertia.kernels.KernelPool;
import dev.inertia.kernels.Parallel;
import dev.inertia.memory.DType;
import dev.inertia.memory.Scope;
import dev.inertia.memory.Tensor;
import java.util.Arrays;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The ReLU'(0) bifurcation experiment of Bertoin, Bolte, Gerchinovitz and Pauwels ("Numerical
 * influence of ReLU'(0) on backpropagation", NeurIPS 2021) on an MLP: how often does the choice
 * of ReLU'(0) change the gradient that backpropagation computes?
 *
 * <p>For each of {@code inits} random initializations (PyTorch's default: weights and biases
 * uniform in ±1/sqrt(fan-in)), one epoch of shuffled mini-batches is visited. Each mini-batch is
 * backpropagated through two copies of the network with the same weights, one with ReLU'(0) = 0
 * and one with ReLU'(0) = 1; the choice is in the reverse rule only, so both copies compute the
 * same forward values (checked bitwise). Each mini-batch is classified by the largest absolute
 * difference between the two copies' gradients over all parameters, ||Δgrad||_∞
 * ({@link GradientZone}): exactly zero, <em>compensation</em> (at most the threshold τ: the copies
 * differ only by rounding) or <em>bifurcation</em> (above τ); an initialization stops at its first
 * mini-batch in the bifurcation zone. Between mini-batches the network takes a plain SGD step
 * with the ReLU'(0) = 0 gradient (the paper's training run, checked as it goes), so later
 * mini-batches are checked on trained weights.
 *
 * <p>The second copy is only run when it can differ: the reverse sweep with ReLU'(0) = 0 counts,
 * per ReLU, the exactly-zero pre-activations that received a nonzero gradient
 * ({@link KinkReport#live()}). When there are none, ReLU'(0) multiplies only zero gradients and
 * the copy with ReLU'(0) = 1 computes bitwise the same gradients, so the mini-batch is not in the
 * zone without running it.
 *
 * <p>Initializations run side by side on {@link Parallel#threads()} threads of their own (the
 * kernels of each on its own thread alone); the result is the same whatever the number of threads.
 *
 * <p>Precision: every value, gradient and weight is rounded to the {@link Precision} by the
 * tapes ({@link Tape#setPrecision}); inputs are the pixels scaled to [0, 1] (as torchvision's
 * {@code ToTensor}), rounded to the precision as well.
 */
public final class Bifurcation {
    private static final int CLASSES = 10;

    private Bifurcation() {}

    /**
     * What to run.
     *
     * @param precision the emulated precision (fp64 computes in F64, the others in F32)
     * @param hidden    hidden layers (at least 1)
     * @param width     units per hidden layer
     * @param inits     random initializations
     * @param batch     mini-batch size
     * @param lr        the SGD step size between mini-batches
     * @param seed      seeds the initializations and the shuffles
     * @param maxBatches mini-batches per initialization at most (the epoch is cut short); 0 for the
     *                  whole epoch
     * @param tau       the threshold τ between compensation and bifurcation (finite, >= 0)
     */
    public record Config(Precision precision, int hidden, int width, int inits, int batch, double lr, long seed,
            int maxBatches, double tau) {
        /** A configuration with the precision's default τ ({@link GradientZone#defaultTau}). */
        public Config(Precision precision, int hidden, int width, int inits, int batch, double lr, long seed,
                int maxBatches) {
            this(precision, hidden, width, inits, batch, lr, seed, maxBatches,
                    GradientZone.defaultTau(Objects.requireNonNull(precision, "precision")));
        }

        public Config {
            GradientZone.checkTau(tau);
            if (maxBatches < 0) {
                throw new IllegalArgumentException("max batches must be >= 0 (0 = the whole epoch), not " + maxBatches);
            }
            Objects.requireNonNull(precision, "precision");
            positive(hidden, "hidden layers");
            positive(width, "width");
            positive(inits, "inits");
            positive(batch, "batch");
            if (!(lr >= 0) || !Double.isFinite(lr)) {
                throw new IllegalArgumentException("the SGD step size must be finite and >= 0, not " + lr);
            }
        }

        private static void positive(int v, String what) {
            if (v < 1) {
                throw new IllegalArgumentException(what + " must be at least 1, not " + v);
            }
        }
    }

    /**
     * What was measured.
     *
     * @param hits           initializations with a mini-batch in the bifurcation zone
     * @param batchesChecked mini-batches checked over all initializations (each lands in one zone)
     * @param liveBatches    of those, mini-batches where some ReLU at an exact zero received a
     *                       nonzero gradient (the second copy ran)
     * @param zeros          exactly-zero pre-activations over all checked mini-batches
     * @param preactivations pre-activations over all checked mini-batches
     * @param kinks          the kink reports of the ReLU'(0) = 0 copy's sweeps, per ReLU
     * @param compensationBatches mini-batches in the compensation zone (0 &lt; ||Δgrad||_∞ &lt;= τ)
     * @param bifurcationBatches  mini-batches in the bifurcation zone (||Δgrad||_∞ &gt; τ); at most one
     *                       per initialization, since an initialization stops there
     * @param largest        the largest ||Δgrad||_∞ seen (NaN if one was NaN)
     * @param differences    ||Δgrad||_∞ of every checked mini-batch
     */
    public record Result(Config config, int hits, long batchesChecked, long liveBatches, long zeros,
            long preactivations, KinkMonitor kinks, double seconds, long compensationBatches, long bifurcationBatches,
            double largest, DifferenceHistogram differences) {
        /** Mini-batches whose two gradients were bitwise equal. */
        public long noDifferenceBatches() {
            return batchesChecked - compensationBatches - bifurcationBatches;
        }

        /** The share of checked mini-batches in the compensation zone. */
        public double compensationShare() {
            return batchesChecked == 0 ? 0 : (double) compensationBatches / batchesChecked;
        }

        /** The share of checked mini-batches in the bifurcation zone. */
        public double bifurcationShare() {
            return batchesChecked == 0 ? 0 : (double) bifurcationBatches / batchesChecked;
        }

        /** The share of initializations with a mini-batch in the bifurcation zone. */
        public double hitShare() {
            return (double) hits / config.inits();
        }

        /** The rate of exactly-zero pre-activations over all checked mini-batches. */
        public double zeroRate() {
            return preactivations == 0 ? 0 : (double) zeros / preactivations;
        }
    }

    /** Runs the experiment on {@code train} (images of any size, {@value #CLASSES} classes). */
    public static Result run(Dataset train, Config config) {
        return run(train, config, false);
    }

    /**
     * The experiment; {@code alwaysCompare} runs the second copy on every mini-batch, not only
     * those with a live kink (for tests of the shortcut; {@code liveBatches} still counts only those).
     */
    static Result run(Dataset train, Config config, boolean alwaysCompare) {
        return run(train, config, alwaysCompare, Parallel.threads());
    }

    /**
     * The experiment on {@code workers} threads, each taking the next initialization in turn.
     * Initializations are independent (each seeds its weights and its shuffle from its index)
     * and the counts are sums, so the result does not depend on {@code workers}. With more than
     * one worker each worker's kernels run on its own thread alone (a one-thread {@link KernelPool}
     * bound to it; the caller's pool is not touched): whole initializations side by side keep both cores busier than splitting the
     * small GEMMs of one mini-batch.
     */
    static Result run(Dataset train, Config config, boolean alwaysCompare, int workers) {
        Objects.requireNonNull(train, "train");
        Objects.requireNonNull(config, "config");
        if (train.classes() != CLASSES) {
            throw new IllegalArgumentException("the bifurcation MLP has " + CLASSES + " outputs; " + train.name()
                    + " has " + train.classes() + " classes");
        }
        if (workers < 1) {
            throw new IllegalArgumentException("workers must be at least 1, not " + workers);
        }
        long start = System.nanoTime();
        AtomicInteger next = new AtomicInteger();
        Worker[] ws = new Worker[Math.min(workers, config.inits())];
        for (int i = 0; i < ws.length; i++) {
            ws[i] = new Worker(train, config, alwaysCompare, next);
        }
        if (ws.length == 1) {
            ws[0].run();
        } else {
            runSideBySide(ws);
        }
        for (Worker w : ws) {
            if (w.failure instanceof RuntimeException e) {
                throw e;
            } else if (w.failure instanceof Error e) {
                throw e;
            }
        }
        int hits = 0;
        long checked = 0, live = 0, zeros = 0, preactivations = 0, compensation = 0;
        double largest = 0;
        KinkMonitor monitor = new KinkMonitor();
        DifferenceHistogram differences = new DifferenceHistogram();
        for (Worker w : ws) {
            hits += w.hits;
            compensation += w.compensation;
            largest = Double.isNaN(w.largest) || Double.isNaN(largest) ? Double.NaN : Math.max(largest, w.largest);
            differences.add(w.differences);
            checked += w.checked;
            live += w.live;
            zeros += w.zeros;
            preactivations += w.preactivations;
            monitor.add(w.monitor);
        }
        return new Result(config, hits, checked, live, zeros, preactivations, monitor,
                (System.nanoTime() - start) / 1e9, compensation, hits, largest, differences);
    }

    private static void runSideBySide(Worker[] ws) {
        // one thread runs every kernel inline, so one pool serves all the workers; the caller's pool is left alone
        try (KernelPool inline = KernelPool.ofThreads(1)) {
            Thread[] threads = new Thread[ws.length];
            for (int i = 0; i < ws.length; i++) {
                Worker w = ws[i];
                threads[i] = new Thread(() -> inline.run(w), "inertia-bifurcation-" + i);
                threads[i].start();
            }
            for (Thread t : threads) {
                t.join();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the initializations ran", e);
        }
    }

    /** Runs initializations until none is left, with its own tapes, weights and batcher; sums what it sees. */
    private static final class Worker implements Runnable {
        private final Dataset train;
        private final Config config;
        private final boolean alwaysCompare;
        private final AtomicInteger next;
        private final KinkMonitor monitor = new KinkMonitor();
        private final DifferenceHistogram differences = new DifferenceHistogram();
        private int hits;
        private long checked, live, zeros, preactivations, compensation;
        private double largest;
        private Throwable failure;

        Worker(Dataset train, Config config, boolean alwaysCompare, AtomicInteger next) {
            this.train = train;
            this.config = config;
            this.alwaysCompare = alwaysCompare;
            this.next = next;
        }

        @Override
        public void run() {
            try {
                loop();
            } catch (RuntimeException | Error e) {
                failure = e; // rethrown by the caller once every worker has stopped
                next.set(config.inits()); // the others stop after their current initialization
            }
        }

        private void loop() {
            Precision p = config.precision();
            DType dtype = p.storage();
            int in = train.features();
            int[] sizes = new int[config.hidden() + 2];
            Arrays.fill(sizes, config.width());
            sizes[0] = in;
            sizes[sizes.length - 1] = CLASSES;
            int layers = sizes.length - 1;
            try (Scope scope = Scope.open(); Tape zero = new Tape(Kinks.defaults().relu(0));
                    Tape one = new Tape(Kinks.defaults().relu(1))) {
                zero.setPrecision(p);
                one.setPrecision(p);
                Tensor[] weights = new Tensor[layers];
                Tensor[] biases = new Tensor[layers];
                for (int l = 0; l < layers; l++) {
                    weights[l] = Tensor.zeros(scope, dtype, sizes[l + 1], sizes[l]);
                    biases[l] = Tensor.zeros(scope, dtype, sizes[l + 1]);
                }
                Batcher batcher = Batcher.training(train, scope, config.batch(), Batcher.Layout.FLAT,
                        Normalization.UNIT, config.seed());
                Tensor images64 = dtype == DType.F64 ? Tensor.zeros(scope, DType.F64, config.batch(), in) : null;
                int[] labels = new int[config.batch()];
                Var[] params0 = new Var[2 * layers];
                Var[] params1 = new Var[2 * layers];
                for (int init = next.getAndIncrement(); init < config.inits(); init = next.getAndIncrement()) {
                    initialize(weights, biases, new Random(config.seed() * 1_000_003L + init));
                    batcher.startEpoch(init);
                    for (int b = 0; Experiments.nextBatch(batcher, b, config.maxBatches(), labels); b++) {
                        Tensor x = Experiments.inStorage(batcher.images(), images64);
                        Var loss0 = forward(zero, x, labels, weights, biases, params0);
                        KinkReport report = monitor.backward(zero, loss0);
                        checked++;
                        zeros += report.hits();
                        preactivations += (long) config.hidden() * config.width() * x.dim(0);
                        if (report.live() > 0) {
                            live++;
                        }
                        // without a live kink the copy with ReLU'(0) = 1 computes the same gradients: difference 0
                        double difference = 0;
                        if (report.live() > 0 || alwaysCompare) {
                            Var loss1 = forward(one, x, labels, weights, biases, params1);
                            if (!Experiments.bitwiseEqual(loss0.value(), loss1.value())) {
                                throw new IllegalStateException("the two copies computed different forward values:"
                                        + " the kernels are not deterministic");
                            }
                            one.backward(loss1);
                            difference = Experiments.maxAbsDifference(params0, params1);
                        }
                        differences.record(difference);
                        largest = Double.isNaN(difference) || Double.isNaN(largest) ? Double.NaN
                                : Math.max(largest, difference);
                        GradientZone zone = GradientZone.of(difference, config.tau());
                        if (zone == GradientZone.BIFURCATION) {
                            hits++;
                            break;
                        }
                        if (zone == GradientZone.COMPENSATION) {
                            compensation++;
                        }
                        Experiments.sgdStep(params0, config.lr());
                    }
                }
            }
        }
    }

    /** Uniform in ±1/sqrt(fan-in), PyTorch's default for Linear weights and biases. */
    private static void initialize(Tensor[] weights, Tensor[] biases, Random random) {
        for (int l = 0; l < weights.length; l++) {
            Experiments.pytorchDefault(weights[l], biases[l], weights[l].dim(1), random);
        }
    }

    /** The MLP's loss on {@code tape} (reset first); its params go to {@code params} (W0, b0, W1, ...). */
    private static Var forward(Tape tape, Tensor x, int[] labels, Tensor[] weights, Tensor[] biases, Var[] params) {
        tape.reset();
        Var h = tape.constant(x);
        for (int l = 0; l < weights.length; l++) {
            params[2 * l] = tape.param(weights[l]);
            params[2 * l + 1] = tape.param(biases[l]);
            h = h.matmul(params[2 * l], false, true).add(params[2 * l + 1]);
            if (l < weights.length - 1) {
                h = h.relu();
            }
        }
        return h.softmaxCrossEntropy(x.dim(0) == labels.length ? labels : Arrays.copyOf(labels, x.dim(0)));
    }
}
