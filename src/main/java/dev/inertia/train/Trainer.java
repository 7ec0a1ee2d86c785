package dev.inertia.train;

import dev.inertia.autodiff.KinkReport;
import dev.inertia.autodiff.Kinks;
import dev.inertia.autodiff.Tape;
import dev.inertia.autodiff.Var;
import dev.inertia.data.Batcher;
import dev.inertia.data.Dataset;
import dev.inertia.data.Normalization;
import dev.inertia.memory.DType;
import dev.inertia.memory.Scope;
import dev.inertia.memory.Tensor;
import dev.inertia.nn.Parameter;
import dev.inertia.nn.Sequential;
import dev.inertia.optim.LrSchedule;
import dev.inertia.optim.Optimizer;
import dev.inertia.optim.Param;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The training loop: shuffled batches, forward and reverse pass on a reused {@link Tape}, one
 * fused optimizer step, test-set evaluation after each epoch, step-latency percentiles,
 * checkpoints and exact resumption.
 *
 * <p><b>Exactness.</b> Everything a step depends on is either in the checkpoint (parameters,
 * optimizer state, position, dropout generators) or a function of it (the shuffled order is a
 * function of the seed and the epoch), so a run resumed from a checkpoint ends with the same
 * bits as a run that was never interrupted.
 *
 * <p><b>Precision and loss scaling.</b> With {@link TrainConfig#emulation()} the tapes emulate
 * that precision op by op (values and gradients rounded) and the parameters are rounded after
 * each step; with {@link TrainConfig#lossScaling()} the reverse sweep is seeded with the scale
 * and the gradients are unscaled before the step, which is skipped when one overflowed.
 *
 * <p><b>Memory.</b> The step reuses the tape's buffers and nodes, the batcher's tensors and the
 * parameters' gradient buffers (the tape writes gradients straight into them): from the second
 * step on it allocates no off-heap memory, and once the kernels are compiled next to no Java
 * heap (StepAllocationTest: under 1 KiB per step).
 */
public final class Trainer implements AutoCloseable {
    private static final long INTERRUPT_WAIT_SECONDS = 60;

    private final TrainConfig config;
    private final Sequential model;
    private final Scope scope = Scope.open();
    private final Tape tape;
    private final Tape evalTape;
    private final Batcher.Layout layout;
    private Batcher train;
    private final Batcher test;
    /** The batch widened to F64 when the model computes in F64 (batches are F32). */
    private final Tensor wideImages;
    private final Optimizer optimizer;
    private final List<Param> params;
    /** The parameters' gradient buffers, for loss scaling. */
    private final List<Tensor> grads;
    /** The reverse sweep's seed when the loss is scaled (allocated at the first step). */
    private Tensor lossSeed;
    private Consumer<KinkReport> kinkListener;
    private final StepTimer timer = new StepTimer();
    private final String dataSource;

    private Progress progress;
    private TrainListener listener = r -> { };
    private long globalStep;
    private long seed;
    private int startEpoch;
    private int startBatch;
    private double startLossSum;
    private int epoch;
    private double epochLossSum;

    private volatile boolean interruptRequested;
    private final CountDownLatch interruptHandled = new CountDownLatch(1);
    private Thread hook;

    /**
     * A trainer of {@code model} on {@code trainData}, evaluated on {@code testData};
     * {@code dataSource} says where the data came from (for reports and checkpoints).
     */
    public Trainer(TrainConfig config, Sequential model, Dataset trainData, Dataset testData, String dataSource) {
        this.config = Objects.requireNonNull(config, "config");
        this.model = Objects.requireNonNull(model, "model");
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        for (Parameter p : model.parameters()) {
            if (p.value().dtype() != config.dtype()) {
                throw new IllegalArgumentException("the model's parameters are " + p.value().dtype()
                        + ", the configuration says " + config.dtype());
            }
        }
        this.layout = config.imageInput() ? Batcher.Layout.IMAGE : Batcher.Layout.FLAT;
        this.train = Batcher.training(trainData, scope, config.batch(), layout, Normalization.FASHION_MNIST,
                config.seed());
        this.test = Batcher.evaluation(testData, scope, config.batch(), layout, Normalization.FASHION_MNIST);
        if (config.dtype() == DType.F64) {
            int[] shape = train.images().shape();
            this.wideImages = Tensor.zeros(scope, DType.F64, shape);
        } else {
            this.wideImages = null;
        }
        Kinks kinks = Kinks.defaults().relu(config.relu0());
        this.tape = new Tape(kinks);
        this.evalTape = new Tape(kinks);
        if (config.emulation() != null) {
            tape.setPrecision(config.emulation());
            evalTape.setPrecision(config.emulation());
        }
        this.params = new ArrayList<>();
        this.grads = new ArrayList<>();
        for (Parameter p : model.parameters()) {
            params.add(p.param());
            grads.add(p.grad());
        }
        Optimizer.Builder optimizer = Optimizer.builder().group(Optimizers.create(config.optimizer(), config.lr()),
                params).scope(scope);
        long plannedSteps = (long) config.epochs() * train.batchesPerEpoch();
        if (config.schedule().equals("cosine") && plannedSteps > 0) {
            optimizer.schedule(LrSchedule.cosine(0, plannedSteps, 0));
        }
        this.optimizer = optimizer.build();
        this.seed = config.seed();
    }

    /** Where progress goes (null: nowhere). */
    public Trainer progress(Progress progress) {
        this.progress = progress;
        return this;
    }

    /**
     * Receives the kink report of every training step's reverse sweep (null: none), e.g. a
     * {@code numerics.KinkMonitor}'s {@code record}.
     */
    public Trainer kinkListener(Consumer<KinkReport> kinkListener) {
        this.kinkListener = kinkListener;
        return this;
    }

    public Trainer listener(TrainListener listener) {
        this.listener = Objects.requireNonNull(listener, "listener");
        return this;
    }

    public Optimizer optimizer() {
        return optimizer;
    }

    public Sequential model() {
        return model;
    }

    /** Optimizer steps done in all. */
    public long globalStep() {
        return globalStep;
    }

    /** Batches per training epoch. */
    public int batchesPerEpoch() {
        return train.batchesPerEpoch();
    }

    /**
     * Continues from {@code config.resume()} when set: restores the model, the optimizer and the
     * position. Call before {@link #run()}.
     */
    public void resume() throws IOException {
        if (config.resume() == null) {
            return;
        }
        Checkpoint.Position p = Checkpoint.load(config.resume(), model, optimizer, identity());
        if (p.batch() > train.batchesPerEpoch()) {
            throw new IOException(config.resume() + ": checkpoint is at batch " + p.batch() + " of an epoch that has "
                    + train.batchesPerEpoch() + " batches here (different data?)");
        }
        if (p.seed() != seed) { // a resumed run shuffles with the checkpoint's seed
            seed = p.seed();
            train = Batcher.training(train.dataset(), scope, config.batch(), layout, Normalization.FASHION_MNIST, seed);
        }
        globalStep = p.step();
        startEpoch = p.epoch();
        startBatch = p.batch();
        startLossSum = p.epochLossSum();
        listener.message("resumed from " + config.resume() + ": epoch " + (startEpoch + 1) + ", batch " + startBatch
                + ", step " + globalStep);
    }

    /** What a checkpoint must agree on to be resumed by this run. */
    private Map<String, String> identity() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("model", config.model());
        m.put("batch_size", Integer.toString(config.batch()));
        m.put("dtype", config.dtype().toString());
        m.put("precision", config.precision());
        m.put("schedule", config.schedule());
        return m;
    }

    /**
     * Runs the remaining epochs (or until the step limit), reporting each epoch to the listener;
     * returns the last report (null when there was nothing left to do).
     */
    public EpochReport run() throws IOException {
        if (train.batchesPerEpoch() == 0) {
            throw new IllegalArgumentException("no training batch: " + train.dataset().name() + " is smaller than"
                    + " one batch");
        }
        EpochReport last = null;
        try {
            for (epoch = startEpoch; epoch < config.epochs(); epoch++) {
                if (config.limitsSteps() && globalStep >= config.maxSteps()) {
                    break;
                }
                int firstBatch = epoch == startEpoch ? startBatch : 0;
                epochLossSum = epoch == startEpoch ? startLossSum : 0;
                train.startEpoch(epoch, firstBatch);
                timer.reset();
                if (progress != null) {
                    progress.begin("epoch " + (epoch + 1) + "/" + config.epochs(), train.examplesPerEpoch());
                }
                long trained = 0;
                while (!(config.limitsSteps() && globalStep >= config.maxSteps())) {
                    long t0 = System.nanoTime();
                    if (!train.next()) {
                        break;
                    }
                    double loss = step();
                    timer.record(System.nanoTime() - t0);
                    epochLossSum += loss;
                    globalStep++;
                    trained += train.size();
                    if (progress != null) {
                        progress.update((long) train.batchesDone() * train.batchSize(),
                                epochLossSum / train.batchesDone());
                    }
                    if (interruptRequested) {
                        if (progress != null) {
                            progress.end();
                        }
                        onInterrupt();
                        return last;
                    }
                }
                if (progress != null) {
                    progress.end();
                }
                last = report(trained);
                listener.epoch(last);
                if (last.partial()) {
                    saveCheckpoint(epoch, train.batchesDone());
                    break;
                }
                saveCheckpoint(epoch + 1, 0);
                if (interruptRequested) {
                    onInterrupt();
                    return last;
                }
            }
            return last;
        } finally {
            interruptHandled.countDown();
        }
    }

    /**
     * Loads the next training batch (starting the epoch over when it is done) and takes one step
     * outside the loop's bookkeeping: for allocation and speed measurements.
     */
    double stepForMeasurement() {
        if (train.epoch() < 0 || !train.next()) {
            train.startEpoch(Math.max(train.epoch(), 0));
            train.next();
        }
        return step();
    }

    /** Off-heap bytes allocated so far by this trainer and its tapes. */
    long allocatedBytes() {
        return scope.allocatedBytes() + tape.allocatedBytes() + evalTape.allocatedBytes();
    }

    /** One training step on the current batch; returns its loss. */
    private double step() {
        tape.reset();
        Var logits = forward(tape, train.images());
        Var loss = logits.softmaxCrossEntropy(train.labels());
        LossScaling scaling = config.lossScaling();
        if (scaling == null) {
            tape.backward(loss);
        } else {
            if (lossSeed == null) {
                lossSeed = Tensor.zeros(scope, loss.value().dtype(), loss.value().shape());
            }
            lossSeed.setDouble(0, scaling.scale());
            tape.backward(loss, lossSeed);
        }
        if (kinkListener != null) {
            kinkListener.accept(tape.kinkReport());
        }
        if (scaling == null || scaling.afterBackward(grads)) {
            optimizer.scheduleAt(globalStep);
            optimizer.step();
        }
        if (config.rounding() != null) {
            for (Param p : params) {
                config.rounding().accept(p.value());
            }
        } else if (config.emulation() != null && config.emulation().rounds()) {
            // the tape rounds a parameter when it is registered; rounding it after the step too
            // keeps checkpoints and evaluation in the format
            for (Param p : params) {
                config.emulation().round(p.value());
            }
        }
        return loss.value().getDouble(0);
    }

    private Var forward(Tape t, Tensor images) {
        Var x = t.constant(wideImages == null ? images : widen(images));
        return config.rounding() == null ? model.forward(x) : model.forward(x, config.rounding());
    }

    /** The F32 batch as F64, in a buffer allocated once (a view of its first rows for a short batch). */
    private Tensor widen(Tensor images) {
        MemorySegment src = images.segment(), dst = wideImages.segment();
        long n = images.size();
        for (long i = 0; i < n; i++) {
            dst.setAtIndex(ValueLayout.JAVA_DOUBLE, i, src.getAtIndex(ValueLayout.JAVA_FLOAT, i));
        }
        return n == wideImages.size() ? wideImages
                : Tensor.wrap(dst.asSlice(0, n * Double.BYTES), DType.F64, images.shape());
    }

    private EpochReport report(long trained) {
        double seconds = timer.totalNanos() / 1e9;
        long stepsInEpoch = train.batchesDone();
        double[] eval = evaluate();
        return new EpochReport(epoch + 1, config.epochs(), stepsInEpoch, globalStep,
                stepsInEpoch < train.batchesPerEpoch(), stepsInEpoch == 0 ? Double.NaN : epochLossSum / stepsInEpoch,
                eval[0], eval[1], seconds > 0 ? trained / seconds : Double.NaN, timer.p50Ms(), timer.p99Ms(),
                timer.maxMs());
    }

    /** Mean loss and accuracy on the test set, in evaluation mode. */
    private double[] evaluate() {
        model.eval();
        try {
            test.startEpoch(0);
            double lossSum = 0;
            long correct = 0, seen = 0;
            while (test.next()) {
                evalTape.reset();
                Var logits = forward(evalTape, test.images());
                int n = test.size();
                lossSum += logits.softmaxCrossEntropy(test.labels()).value().getDouble(0) * n;
                Tensor v = logits.value();
                int classes = v.dim(1);
                for (int i = 0; i < n; i++) {
                    int best = 0;
                    double max = v.getDouble((long) i * classes);
                    for (int c = 1; c < classes; c++) {
                        double x = v.getDouble((long) i * classes + c);
                        if (x > max) {
                            max = x;
                            best = c;
                        }
                    }
                    if (best == test.label(i)) {
                        correct++;
                    }
                }
                seen += n;
            }
            return new double[] {seen == 0 ? Double.NaN : lossSum / seen, seen == 0 ? Double.NaN : (double) correct / seen};
        } finally {
            model.train();
        }
    }

    // ---- checkpoints -----------------------------------------------------------------------

    private void saveCheckpoint(int atEpoch, int atBatch) throws IOException {
        Path file = config.checkpoint();
        if (file == null) {
            return;
        }
        double lossSum = atBatch == 0 ? 0 : epochLossSum;
        Map<String, String> info = identity();
        info.put("data", dataSource);
        info.put("optimizer_name", config.optimizer());
        Checkpoint.save(file, model, optimizer, new Checkpoint.Position(atEpoch, atBatch, globalStep, lossSum, seed),
                info);
        listener.message("checkpoint written to " + file + " (epoch " + (atEpoch + 1) + ", batch " + atBatch
                + ", step " + globalStep + ")");
    }

    private void onInterrupt() throws IOException {
        if (config.checkpoint() != null) {
            saveCheckpoint(epoch, train.batchesDone());
        }
        listener.message("interrupted at step " + globalStep);
    }

    /**
     * Installs a shutdown hook (Ctrl-C, SIGTERM) that asks the loop to stop after the current
     * step, waits for it to write the checkpoint (when one is configured), then lets the JVM exit.
     */
    public void checkpointOnInterrupt() {
        if (hook != null) {
            return;
        }
        hook = new Thread(() -> {
            interruptRequested = true;
            try {
                interruptHandled.await(INTERRUPT_WAIT_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "inertia-train-interrupt");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /** Whether the last {@link #run()} stopped because of an interrupt. */
    public boolean interrupted() {
        return interruptRequested;
    }

    /** Asks the loop to stop after the current step as an interrupt would (for tests and embedding). */
    public void requestInterrupt() {
        interruptRequested = true;
    }

    @Override
    public void close() {
        if (hook != null) {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running: it waits on interruptHandled, which run() has released
            }
            hook = null;
        }
        tape.close();
        evalTape.close();
        scope.close();
    }
}
