package dev.inertia.train;

import dev.inertia.autodiff.KinkReport;
import dev.inertia.autodiff.Kinks;
import dev.inertia.autodiff.Precision;
import dev.inertia.autodiff.Tape;
import dev.inertia.autodiff.Var;
import dev.inertia.data.Batcher;
import dev.inertia.data.Dataset;
import dev.inertia.data.FeatureTransform;
import dev.inertia.data.Normalization;
import dev.inertia.kernels.KernelPool;
import dev.inertia.memory.DType;
import dev.inertia.memory.Scope;
import dev.inertia.memory.Tensor;
import dev.inertia.nn.Module;
import dev.inertia.nn.Parameter;
import dev.inertia.nn.Sequential;
import dev.inertia.optim.LrSchedule;
import dev.inertia.optim.Optimizer;
import dev.inertia.optim.OptimizerRegistry;
import dev.inertia.optim.Param;
import dev.inertia.optim.TensorOptimizer;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * The training loop for any {@link Module} on any {@link Dataset}: shuffled batches, forward
 * and reverse pass on a reused {@link Tape}, one fused optimizer step, evaluation after each
 * epoch, step-latency percentiles, early stopping, checkpoints and exact resumption.
 *
 * <pre>{@code
 * try (Trainer trainer = Trainer.builder(model)
 *         .loss(Loss.crossEntropy())
 *         .optimizer(AdamW.builder().lr(1e-3).build())
 *         .schedule(Schedule.cosine(100, 0.05))
 *         .metrics(Metric.accuracy(), Metric.topK(3))
 *         .epochs(30).batchSize(64)
 *         .earlyStopping(EarlyStopping.on("loss", 5))
 *         .build()) {
 *     History history = trainer.fit(train, validation);
 * }
 * }</pre>
 *
 * <p><b>Divergence.</b> A step whose loss is not finite throws {@link TrainingDivergedException}
 * naming the step, before its reverse sweep; so does a step whose gradient is not finite (NaN or
 * infinite, so its norm is too), before the optimizer applies it, unless a {@link LossScaling}
 * is set: it skips such a step (an fp16 overflow) and backs off instead. Either way the
 * parameters stay those of the last finite step. No checkpoint is ever written from non-finite
 * parameters or optimizer state: the guard checks both before each write and after each epoch.
 *
 * <p><b>Checkpoint files.</b> Before anything trains, the checkpoint path is checked: its
 * directory must exist and be writable, and the path must not be a directory. A run that does
 * not resume from that very file refuses to replace an existing one unless
 * {@link Builder#overwriteCheckpoint} says so: a fresh run cannot destroy a good checkpoint.
 *
 * <p><b>Exactness.</b> Everything a step depends on is either in the checkpoint (parameters,
 * optimizer state, position, dropout generators, the loss scaler's scale and growth counter, the
 * number of steps the learning-rate schedule was planned over) or a function of it (the shuffled
 * order is a function of the seed and the epoch), so a run resumed from a checkpoint ends with
 * the same bits as a run that was never interrupted, at every precision, with every optimizer
 * and loss-scaling mode. A checkpoint written before the loss scaler's state was kept resumes with
 * the scaler as configured (its initial scale); a resumed run whose schedule is planned over a
 * different number of steps (other epochs or data) follows its own plan and says so. Early
 * stopping's patience counter is not saved: a resumed run counts from its first epoch.
 *
 * <p><b>Precision and loss scaling.</b> With {@link Builder#precision} the tapes emulate that
 * precision op by op (values and gradients rounded) and the parameters are rounded after each
 * step; with {@link Builder#lossScaling} the reverse sweep is seeded with the scale and the
 * gradients are unscaled before the step, which is skipped when one overflowed.
 *
 * <p><b>Memory.</b> The step reuses the tape's buffers and nodes, the batcher's tensors and the
 * parameters' gradient buffers (the tape writes gradients straight into them): from the second
 * step on it allocates no off-heap memory, and once the kernels are compiled next to no Java
 * heap (StepAllocationTest: under 1 KiB per step).
 *
 * <p><b>Threads.</b> The kernels of {@link #fit} and {@link #evaluate} run on the trainer's
 * {@link KernelPool}: one of {@link Builder#threads(int)} threads of its own (closed with the
 * trainer), or the {@link Builder#pool(KernelPool) pool} it was given, or by default the pool
 * bound to the calling thread ({@link KernelPool#current()}: the shared pool of all processors
 * unless the caller bound another). Two trainers with pools of their own train side by side in
 * one JVM, each on its threads, with the same results as alone.
 *
 * <p>Not thread-safe: one trainer per thread, and a model is trained by one trainer at a time.
 */
public final class Trainer implements AutoCloseable {
    private static final long INTERRUPT_WAIT_SECONDS = 60;

    private final Module model;
    private final Loss loss;
    private final List<Metric> metrics;
    private final Schedule schedule;
    private final int epochs;
    private final int batch;
    private final long maxSteps;
    private final EarlyStopping earlyStopping;
    private final List<TrainListener> listeners;
    private final Precision emulation;
    private final LossScaling lossScaling;
    private final Consumer<Tensor> rounding;
    private final Path checkpoint;
    private final Path resume;
    /** Whether a run that does not resume from {@link #checkpoint} may replace an existing file there. */
    private boolean overwriteCheckpoint;
    private final Map<String, String> identity;
    private final Map<String, String> checkpointInfo;
    private final Batcher.Layout layout;
    private final FeatureTransform transform;
    private final DType dtype;
    /** The pool the kernels run on, or null: the caller's. */
    private final KernelPool pool;
    /** Whether {@link #pool} was made for this trainer ({@link Builder#threads}), so closed with it. */
    private final boolean ownsPool;
    /** The kernel warm-up the first step waits for, or null: none, or already waited for. */
    private KernelWarmup warmup;

    private final Scope scope = Scope.open();
    private final Tape tape;
    private final Tape evalTape;
    private final Optimizer optimizer;
    private final List<Param> params;
    /** The parameters' gradient buffers, for loss scaling. */
    private final List<Tensor> grads;
    private Consumer<KinkReport> kinkListener;
    private Progress progress;
    /** Listeners added after construction ({@link #listener}), after the builder's. */
    private final List<TrainListener> extraListeners = new ArrayList<>();
    private boolean fitted;
    private final StepTimer timer = new StepTimer();

    /** The data of the {@link TrainConfig} constructor, which {@link #run()} trains on. */
    private Dataset configTrain;
    private Dataset configTest;

    private Batcher train;
    private Batcher eval;
    /** Batches widened to F64 when the model computes in F64 (batches are F32). */
    private Tensor wideInputs;
    private Tensor wideTargets;
    /** The reverse sweep's seed when the loss is scaled (allocated at the first step). */
    private Tensor lossSeed;
    /** The schedule of the current run, or null: the optimizer's own. */
    private LrSchedule lrSchedule;
    /** The batches of the data sets {@link #evaluate(Dataset)} was given, made once each. */
    private final Map<Dataset, Batcher> evalBatchers = new IdentityHashMap<>();
    /** The best epoch's state, for early stopping's restore (allocated at the first improvement). */
    private Map<String, Tensor> bestState;

    private long globalStep;
    private long seed;
    private int startEpoch;
    private int startBatch;
    /** The steps the resumed checkpoint planned its schedule over (0: unknown or not resumed). */
    private long resumedPlannedSteps;
    /** The steps the current run plans its schedule over. */
    private long plannedSteps;
    private double startLossSum;
    private int epoch;
    private double epochLossSum;
    private double firstStepMs = Double.NaN;

    private volatile boolean interruptRequested;
    private final CountDownLatch interruptHandled = new CountDownLatch(1);
    private Thread hook;

    private Trainer(Builder b) {
        this.model = b.model;
        this.loss = b.loss;
        this.metrics = List.copyOf(b.metrics.isEmpty() ? defaultMetrics(b.loss) : b.metrics);
        this.schedule = b.schedule;
        this.epochs = b.epochs;
        this.batch = b.batch;
        this.maxSteps = b.maxSteps;
        this.earlyStopping = b.earlyStopping;
        this.listeners = List.copyOf(b.listeners);
        this.emulation = b.emulation;
        this.lossScaling = b.lossScaling;
        this.rounding = b.rounding;
        this.checkpoint = b.checkpoint;
        this.resume = b.resume;
        this.overwriteCheckpoint = b.overwriteCheckpoint;
        this.identity = new LinkedHashMap<>(b.identity);
        this.checkpointInfo = new LinkedHashMap<>(b.checkpointInfo);
        this.layout = b.flattenInputs ? Batcher.Layout.FLAT : Batcher.Layout.IMAGE;
        this.transform = b.transform;
        this.seed = b.seed;
        this.progress = b.progress;
        this.kinkListener = b.kinkListener;
        this.params = new ArrayList<>();
        this.grads = new ArrayList<>();
        DType d = null;
        for (Parameter p : model.parameters()) {
            params.add(p.param());
            grads.add(p.grad());
            if (d != null && p.value().dtype() != d) {
                throw new IllegalArgumentException("the model mixes " + d + " and " + p.value().dtype()
                        + " parameters; the trainer computes in one dtype");
            }
            d = p.value().dtype();
        }
        if (d == null) {
            throw new IllegalArgumentException("the model has no parameters to train");
        }
        this.dtype = d;
        if (emulation != null && emulation.storage() != dtype) {
            throw new IllegalArgumentException(emulation + " is emulated on " + emulation.storage() + " tensors, the"
                    + " model's parameters are " + dtype);
        }
        if (rounding != null && !(model instanceof Sequential)) {
            throw new IllegalArgumentException("rounding each layer's output needs a Sequential model");
        }
        if (emulation != null && rounding != null) {
            throw new IllegalArgumentException("either op-by-op emulation or layer-output rounding, not both");
        }
        this.tape = new Tape(b.kinks);
        this.evalTape = new Tape(b.kinks);
        if (emulation != null) {
            tape.setPrecision(emulation);
            evalTape.setPrecision(emulation);
        }
        this.optimizer = b.optimizer != null ? checkParams(b.optimizer)
                : Optimizer.builder().group(b.rule, params).clipGradNorm(b.clipGradNorm).scope(scope).build();
        // last, so that a constructor that throws leaves no pool behind
        this.ownsPool = b.pool == null && b.threads > 0;
        this.pool = ownsPool ? KernelPool.ofThreads(b.threads) : b.pool;
        // started now, so that it overlaps whatever the caller does before fit
        this.warmup = b.warmup ? KernelWarmup.startFor(model, optimizer.name(), dtype) : null;
    }

    /**
     * A trainer configured by the command line's {@link TrainConfig}: softmax cross-entropy,
     * Fashion-MNIST's normalization, the optimizer by name, evaluated on {@code testData} after
     * each epoch; {@link #run()} trains on {@code trainData}. {@code dataSource} says where the
     * data came from (for checkpoints).
     */
    public Trainer(TrainConfig config, Sequential model, Dataset trainData, Dataset testData, String dataSource) {
        this(config, model, trainData, testData, dataSource, UnaryOperator.identity());
    }

    /**
     * As {@link #Trainer(TrainConfig, Sequential, Dataset, Dataset, String)}, with {@code adjust}
     * changing the configured builder before it is built: an optimizer with hyperparameters of its
     * own, a schedule with a warm-up or a floor, gradient clipping (what the command line's
     * optimizer flags set).
     */
    public Trainer(TrainConfig config, Sequential model, Dataset trainData, Dataset testData, String dataSource,
            UnaryOperator<Builder> adjust) {
        this(adjust.apply(fromConfig(Objects.requireNonNull(config, "config"), model, dataSource)));
        for (Parameter p : model.parameters()) {
            if (p.value().dtype() != config.dtype()) {
                throw new IllegalArgumentException("the model's parameters are " + p.value().dtype()
                        + ", the configuration says " + config.dtype());
            }
        }
        this.configTrain = Objects.requireNonNull(trainData, "trainData");
        this.configTest = Objects.requireNonNull(testData, "testData");
    }

    private static Builder fromConfig(TrainConfig config, Sequential model, String dataSource) {
        Map<String, String> identity = new LinkedHashMap<>();
        identity.put("model", config.model());
        identity.put("batch_size", Integer.toString(config.batch()));
        identity.put("dtype", config.dtype().toString());
        identity.put("precision", config.precision());
        identity.put("schedule", config.schedule());
        Map<String, String> info = new LinkedHashMap<>();
        info.put("data", Objects.requireNonNull(dataSource, "dataSource"));
        info.put("optimizer_name", config.optimizer());
        return builder(model)
                .loss(Loss.crossEntropy())
                .optimizer(OptimizerRegistry.create(config.optimizer(), config.lr()))
                .schedule(config.schedule().equals("cosine") ? Schedule.cosine() : null)
                .epochs(config.epochs())
                .batchSize(config.batch())
                .maxSteps(config.maxSteps())
                .seed(config.seed())
                .kinks(Kinks.defaults().relu(config.relu0()).maxPool(config.poolTies()))
                .precision(config.emulation())
                .lossScaling(config.lossScaling())
                .roundEachLayer(config.rounding())
                .checkpoint(config.checkpoint())
                .resume(config.resume())
                .checkpointIdentity(identity)
                .checkpointInfo(info)
                .flattenInputs(!config.imageInput())
                .transform(Normalization.FASHION_MNIST);
    }

    /** A builder of a trainer for {@code model}. */
    public static Builder builder(Module model) {
        return new Builder(model);
    }

    private static List<Metric> defaultMetrics(Loss loss) {
        return loss.usesLabels() ? List.of(Metric.accuracy()) : List.of(Metric.rmse(), Metric.mae());
    }

    private Optimizer checkParams(Optimizer given) {
        Map<Tensor, Boolean> mine = new IdentityHashMap<>();
        for (Param p : params) {
            mine.put(p.value(), true);
        }
        for (Param p : given.params()) {
            if (mine.remove(p.value()) == null) {
                throw new IllegalArgumentException("the optimizer steps a tensor that is not a parameter of the model");
            }
        }
        if (!mine.isEmpty()) {
            throw new IllegalArgumentException("the optimizer leaves " + mine.size() + " of the model's "
                    + params.size() + " parameters out");
        }
        return given;
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

    /** Adds a listener (the builder's come first). */
    public Trainer listener(TrainListener listener) {
        extraListeners.add(Objects.requireNonNull(listener, "listener"));
        return this;
    }

    /** As {@link Builder#overwriteCheckpoint}, for a trainer made from a {@link TrainConfig}. */
    public Trainer overwriteCheckpoint(boolean overwrite) {
        this.overwriteCheckpoint = overwrite;
        return this;
    }

    public Optimizer optimizer() {
        return optimizer;
    }

    public Module model() {
        return model;
    }

    public Loss loss() {
        return loss;
    }

    /** The metrics reported after each epoch (besides the loss). */
    public List<Metric> metrics() {
        return metrics;
    }

    /** Optimizer steps done in all. */
    public long globalStep() {
        return globalStep;
    }

    /** Batches per training epoch of the {@link TrainConfig} run's data, or of the last {@link #fit}. */
    public int batchesPerEpoch() {
        if (train != null) {
            return train.batchesPerEpoch();
        }
        return configTrain == null ? 0 : configTrain.size() / batch;
    }

    /**
     * Continues from the checkpoint given to {@link Builder#resume} (if any): restores the model,
     * the optimizer and the position. Call before {@link #fit} or {@link #run()}.
     */
    public void resume() throws IOException {
        CheckpointTarget.check(checkpoint, resume, overwriteCheckpoint);
        if (resume == null) {
            return;
        }
        Checkpoint.Position p = Checkpoint.load(resume, model, optimizer, identity, lossScaling, at -> {
            if (configTrain != null && at.batch() > batchesPerEpoch()) { // checked before anything is restored
                throw new IOException(resume + ": checkpoint is at batch " + at.batch() + " of an epoch that has "
                        + batchesPerEpoch() + " batches here (different data?)");
            }
        });
        seed = p.seed(); // a resumed run shuffles with the checkpoint's seed
        globalStep = p.step();
        startEpoch = p.epoch();
        startBatch = p.batch();
        startLossSum = p.epochLossSum();
        resumedPlannedSteps = p.plannedSteps();
        message("resumed from " + resume + ": epoch " + (startEpoch + 1L) + ", batch " + startBatch + ", step "
                + globalStep);
    }

    /**
     * Trains on the {@link TrainConfig} constructor's data, evaluating on its test set; returns
     * the last report (null when there was nothing left to do).
     */
    public EpochReport run() throws IOException {
        if (configTrain == null) {
            throw new IllegalStateException("run() trains a TrainConfig trainer's data; call fit(train, validation)");
        }
        return fit(configTrain, configTest).last();
    }

    /** Trains on {@code trainData} without an evaluation set. */
    public History fit(Dataset trainData) throws IOException {
        return fit(trainData, null);
    }

    /**
     * Runs the remaining epochs on {@code trainData} (or until the step limit or early stopping),
     * evaluating on {@code validation} (may be null) after each epoch and reporting each epoch to
     * the listeners.
     */
    public History fit(Dataset trainData, Dataset validation) throws IOException {
        try (KernelPool.Binding bound = bindPool()) {
            return fitOnPool(trainData, validation);
        }
    }

    /** Binds the trainer's pool to the calling thread, or returns null (nothing to close) when it has none. */
    private KernelPool.Binding bindPool() {
        return pool == null ? null : pool.bind();
    }

    private History fitOnPool(Dataset trainData, Dataset validation) throws IOException {
        Objects.requireNonNull(trainData, "trainData");
        if (fitted) {
            throw new IllegalStateException("a Trainer fits once; build another one to train further (the model"
                    + " keeps its weights)");
        }
        fitted = true;
        CheckpointTarget.check(checkpoint, resume, overwriteCheckpoint);
        checkData(trainData);
        if (validation != null) {
            checkData(validation);
            if (validation.size() == 0) {
                throw new IllegalArgumentException(validation.name() + " is empty: there is nothing to evaluate on");
            }
            if (validation.features() != trainData.features()) {
                throw new IllegalArgumentException(validation.name() + " has " + validation.features()
                        + " features per example, " + trainData.name() + " " + trainData.features());
            }
        }
        if (earlyStopping != null && validation == null) {
            throw new IllegalArgumentException("early stopping watches a validation set: call fit(train, validation)");
        }
        train = Batcher.training(trainData, scope, batch, layout, transform, seed);
        if (train.batchesPerEpoch() == 0) {
            throw new IllegalArgumentException("no training batch: " + trainData.name() + " is smaller than one batch");
        }
        if (startBatch > train.batchesPerEpoch()) {
            throw new IOException(resume + ": checkpoint is at batch " + startBatch + " of an epoch that has "
                    + train.batchesPerEpoch() + " batches here (different data?)");
        }
        eval = validation == null ? null : Batcher.evaluation(validation, scope, batch, layout, transform);
        allocateWide(trainData);
        plannedSteps = (long) epochs * train.batchesPerEpoch();
        lrSchedule = schedule == null ? null : schedule.over(plannedSteps);
        if (schedule != null && resumedPlannedSteps > 0 && resumedPlannedSteps != plannedSteps) {
            message("the checkpoint planned its learning-rate schedule over " + resumedPlannedSteps + " steps, this"
                    + " run over " + plannedSteps + " (other epochs or data): the rate follows this run's plan, so"
                    + " the result differs from an uninterrupted run");
        }
        List<EpochReport> reports = new ArrayList<>();
        boolean stoppedEarly = false;
        double best = Double.NaN;
        int bestEpoch = 0, sinceBest = 0;
        try {
            for (epoch = startEpoch; epoch < epochs; epoch++) {
                if (limitsSteps() && globalStep >= maxSteps) {
                    break;
                }
                int firstBatch = epoch == startEpoch ? startBatch : 0;
                epochLossSum = epoch == startEpoch ? startLossSum : 0;
                train.startEpoch(epoch, firstBatch);
                timer.reset();
                if (progress != null) {
                    progress.begin("epoch " + (epoch + 1L) + "/" + epochs, train.examplesPerEpoch());
                }
                long trained = 0;
                while (!(limitsSteps() && globalStep >= maxSteps)) {
                    long t0 = System.nanoTime();
                    if (!train.next()) {
                        break;
                    }
                    long forwardAt = System.nanoTime();
                    if (warmup != null) { // the wait counts in the first step's time: the caller waits for it
                        warmup.await();
                        warmup = null;
                    }
                    double value = step();
                    long endAt = System.nanoTime();
                    timer.record(endAt - t0);
                    if (Double.isNaN(firstStepMs)) { // from the first forward to the end of the first update
                        firstStepMs = (endAt - forwardAt) / 1e6;
                    }
                    epochLossSum += value;
                    globalStep++;
                    trained += train.size();
                    notifyStep(value);
                    if (progress != null) {
                        progress.update((long) train.batchesDone() * train.batchSize(),
                                epochLossSum / train.batchesDone());
                    }
                    if (interruptRequested) {
                        if (progress != null) {
                            progress.end();
                        }
                        onInterrupt();
                        return new History(reports, false, reports.size());
                    }
                }
                if (progress != null) {
                    progress.end();
                }
                requireFiniteState("at the end of epoch " + (epoch + 1L));
                EpochReport report = report(trained);
                reports.add(report);
                notifyEpoch(report);
                if (report.partial()) {
                    saveCheckpoint(epoch, train.batchesDone());
                    break;
                }
                if (earlyStopping != null) {
                    double value = report.metric(earlyStopping.monitor());
                    if (improves(value, best)) {
                        best = value;
                        bestEpoch = epoch + 1;
                        sinceBest = 0;
                        if (earlyStopping.restoreBest()) {
                            snapshotBest();
                        }
                    } else if (++sinceBest >= earlyStopping.patience()) {
                        stoppedEarly = true;
                        if (earlyStopping.restoreBest() && bestState != null) {
                            model.loadStateDict(bestState);
                        }
                        message(String.format(Locale.ROOT, "early stopping after epoch %d: %s has not improved for"
                                + " %d epochs (best %.6g at epoch %d%s)", epoch + 1, earlyStopping.monitor(),
                                sinceBest, best, bestEpoch, earlyStopping.restoreBest() ? ", weights restored" : ""));
                        saveCheckpoint(epoch + 1, 0);
                        break;
                    }
                }
                saveCheckpoint(epoch + 1, 0);
                if (interruptRequested) {
                    onInterrupt();
                    break;
                }
            }
            return new History(reports, stoppedEarly, earlyStopping != null ? bestEpoch : reports.size());
        } finally {
            interruptHandled.countDown();
        }
    }

    private void checkData(Dataset data) {
        if (loss.usesLabels() && !data.isClassification()) {
            throw new IllegalArgumentException("the " + loss.name() + " loss needs class labels, but " + data.name()
                    + " has real-valued targets (regression): use Loss.mse() or another regression loss");
        }
        for (Metric m : metrics) {
            if (m.usesLabels() && !data.isClassification()) {
                throw new IllegalArgumentException("the " + m.name() + " metric needs class labels, but "
                        + data.name() + " has real-valued targets");
            }
        }
    }

    private boolean improves(double value, double best) {
        if (Double.isNaN(value)) {
            List<String> known = new ArrayList<>();
            known.add("loss");
            metrics.forEach(m -> known.add(m.name()));
            throw new IllegalArgumentException("early stopping watches '" + earlyStopping.monitor()
                    + "', which this trainer does not measure (it measures " + String.join(", ", known) + ")");
        }
        if (Double.isNaN(best)) {
            return true;
        }
        boolean higher = higherIsBetter(earlyStopping.monitor());
        return higher ? value > best + earlyStopping.minDelta() : value < best - earlyStopping.minDelta();
    }

    private boolean higherIsBetter(String name) {
        for (Metric m : metrics) {
            if (m.name().equals(name)) {
                return m.higherIsBetter();
            }
        }
        return false; // the loss
    }

    private void snapshotBest() {
        Map<String, Tensor> state = model.stateDict();
        if (bestState == null) {
            bestState = new LinkedHashMap<>();
            state.forEach((k, t) -> bestState.put(k, Tensor.zeros(scope, t.dtype(), t.shape())));
        }
        state.forEach((k, t) -> bestState.get(k).copyFrom(t));
    }

    private boolean limitsSteps() {
        return maxSteps > 0;
    }

    /** The F64 buffers a batch of {@code data} is widened into, for an F64 model (once). */
    private void allocateWide(Dataset data) {
        if (dtype != DType.F64 || wideInputs != null) {
            return;
        }
        int[] example = layout == Batcher.Layout.FLAT ? new int[] {data.features()} : data.exampleShape();
        int[] shape = new int[example.length + 1];
        shape[0] = batch;
        System.arraycopy(example, 0, shape, 1, example.length);
        wideInputs = Tensor.zeros(scope, DType.F64, shape);
        wideTargets = Tensor.zeros(scope, DType.F64, batch, data.targetWidth());
    }

    /**
     * Loads the next training batch (starting the epoch over when it is done) and takes one step
     * outside the loop's bookkeeping: for allocation and speed measurements.
     */
    double stepForMeasurement() {
        return stepForMeasurement(configTrain);
    }

    /** {@link #stepForMeasurement()} on {@code data} (the one given first, for a builder-made trainer). */
    double stepForMeasurement(Dataset data) {
        if (train == null) {
            train = Batcher.training(data, scope, batch, layout, transform, seed);
            allocateWide(data);
            plannedSteps = (long) epochs * train.batchesPerEpoch();
            lrSchedule = schedule == null ? null : schedule.over(plannedSteps);
        }
        if (train.epoch() < 0 || !train.next()) {
            train.startEpoch(Math.max(train.epoch(), 0));
            train.next();
        }
        try (KernelPool.Binding bound = bindPool()) {
            return step();
        }
    }

    /** Off-heap bytes allocated so far by this trainer and its tapes. */
    long allocatedBytes() {
        return scope.allocatedBytes() + tape.allocatedBytes() + evalTape.allocatedBytes();
    }

    /** One training step on the current batch; returns its loss. */
    private double step() {
        tape.reset();
        Var output = forward(tape, train.images());
        Var value = loss.apply(output, loss.usesLabels() ? null : tape.constant(widen(train.targets(), wideTargets)),
                train.labels());
        double l = value.value().getDouble(0);
        if (!Double.isFinite(l)) {
            throw diverged("the " + loss.name() + " loss is " + l);
        }
        if (lossScaling == null) {
            tape.backward(value);
        } else {
            if (lossSeed == null) {
                lossSeed = Tensor.zeros(scope, value.value().dtype(), value.value().shape());
            }
            lossSeed.setDouble(0, lossScaling.scale());
            tape.backward(value, lossSeed);
        }
        if (kinkListener != null) {
            kinkListener.accept(tape.kinkReport());
        }
        if (lossScaling == null) {
            for (int i = 0; i < grads.size(); i++) { // indexed: no iterator per step
                if (!Finite.all(grads.get(i))) {
                    throw diverged(String.format(Locale.ROOT, "the gradient norm is not finite (%s has a NaN or"
                            + " infinite gradient; the %s loss is %.6g)", parameterName(i), loss.name(), l));
                }
            }
        }
        if (lossScaling == null || lossScaling.afterBackward(grads)) {
            if (lrSchedule != null) {
                optimizer.setLrFactor(lrSchedule.factor(globalStep));
            } else {
                optimizer.scheduleAt(globalStep);
            }
            optimizer.step();
        }
        if (rounding != null) {
            for (int i = 0; i < params.size(); i++) {
                rounding.accept(params.get(i).value());
            }
        } else if (emulation != null && emulation.rounds()) {
            // the tape rounds a parameter when it is registered; rounding it after the step too
            // keeps checkpoints and evaluation in the format
            for (int i = 0; i < params.size(); i++) {
                emulation.round(params.get(i).value());
            }
        }
        return l;
    }

    /** The divergence of the step being taken, before its update: the parameters are the last step's. */
    private TrainingDivergedException diverged(String why) {
        return new TrainingDivergedException(String.format(Locale.ROOT, "training diverged at step %d (epoch %d,"
                + " batch %d): %s; the parameters are those of step %d. Lower the learning rate (now %.3g), clip"
                + " gradients or check the data for extreme values", globalStep + 1, epoch + 1L, train.batchesDone(),
                why, globalStep, optimizer.groups().getFirst().lr()), globalStep + 1);
    }

    private String parameterName(int index) {
        int i = 0;
        for (String name : model.namedParameters().keySet()) {
            if (i++ == index) {
                return name;
            }
        }
        return "parameter " + index;
    }

    /**
     * Throws {@link TrainingDivergedException} when a parameter or an optimizer buffer is not
     * finite (an update overflowed): such state is never evaluated as a result nor checkpointed.
     */
    private void requireFiniteState(String when) {
        String bad = Finite.firstNonFinite(model.stateDict());
        for (int i = 0; bad == null && i < params.size(); i++) {
            for (Map.Entry<String, Tensor> e : optimizer.state(i).buffers().entrySet()) {
                if (!Finite.all(e.getValue())) {
                    bad = "the optimizer's " + e.getKey() + " of " + parameterName(i);
                    break;
                }
            }
        }
        if (bad != null) {
            throw new TrainingDivergedException(String.format(Locale.ROOT, "training diverged at step %d: %s is not"
                    + " finite %s; no checkpoint was written from it. Lower the learning rate (now %.3g) or clip"
                    + " gradients", globalStep, bad, when, optimizer.groups().getFirst().lr()), globalStep);
        }
    }

    private Var forward(Tape t, Tensor inputs) {
        Var x = t.constant(widen(inputs, wideInputs));
        return rounding == null ? model.forward(x) : ((Sequential) model).forward(x, rounding);
    }

    /** An F32 batch as F64 in {@code wide} (a view of its first rows for a short batch), or as it is. */
    private static Tensor widen(Tensor batch, Tensor wide) {
        if (wide == null) {
            return batch;
        }
        MemorySegment src = batch.segment(), dst = wide.segment();
        long n = batch.size();
        for (long i = 0; i < n; i++) {
            dst.setAtIndex(ValueLayout.JAVA_DOUBLE, i, src.getAtIndex(ValueLayout.JAVA_FLOAT, i));
        }
        return n == wide.size() ? wide : Tensor.wrap(dst.asSlice(0, n * Double.BYTES), DType.F64, batch.shape());
    }

    private EpochReport report(long trained) {
        double seconds = timer.totalNanos() / 1e9;
        long stepsInEpoch = train.batchesDone();
        Map<String, Double> measured = eval == null ? Map.of() : evaluate(eval);
        return new EpochReport(epoch + 1, epochs, stepsInEpoch, globalStep, stepsInEpoch < train.batchesPerEpoch(),
                stepsInEpoch == 0 ? Double.NaN : epochLossSum / stepsInEpoch,
                measured.getOrDefault("loss", Double.NaN), measured.getOrDefault("accuracy", Double.NaN),
                seconds > 0 ? trained / seconds : Double.NaN, timer.p50Ms(), timer.p99Ms(), timer.maxMs(),
                firstStepMs, measured);
    }

    /**
     * The mean loss and every metric on {@code data}, in evaluation mode, by name ({@code loss}
     * first, then the metrics in order).
     */
    public Map<String, Double> evaluate(Dataset data) {
        checkData(data);
        allocateWide(data);
        Batcher batches = evalBatchers.computeIfAbsent(data,
                d -> Batcher.evaluation(d, scope, batch, layout, transform));
        try (KernelPool.Binding bound = bindPool()) {
            return evaluate(batches);
        }
    }

    private Map<String, Double> evaluate(Batcher batches) {
        model.eval();
        try {
            Metric.Accumulator[] sums = new Metric.Accumulator[metrics.size()];
            for (int m = 0; m < sums.length; m++) {
                sums[m] = metrics.get(m).start();
            }
            batches.startEpoch(0);
            double lossSum = 0;
            long seen = 0;
            boolean classification = batches.dataset().isClassification();
            while (batches.next()) {
                evalTape.reset();
                Var output = forward(evalTape, batches.images());
                int n = batches.size();
                Var targets = loss.usesLabels() ? null : evalTape.constant(widen(batches.targets(), wideTargets));
                lossSum += loss.apply(output, targets, batches.labels()).value().getDouble(0) * n;
                for (Metric.Accumulator a : sums) {
                    a.add(output.value(), batches.targets(), classification ? batches.labels() : null, n);
                }
                seen += n;
            }
            Map<String, Double> out = new LinkedHashMap<>();
            out.put("loss", seen == 0 ? Double.NaN : lossSum / seen);
            for (int m = 0; m < sums.length; m++) {
                out.put(metrics.get(m).name(), sums[m].result());
            }
            return out;
        } finally {
            model.train();
        }
    }

    private void notifyStep(double value) {
        for (int i = 0; i < listeners.size(); i++) {
            listeners.get(i).step(globalStep, value);
        }
        for (int i = 0; i < extraListeners.size(); i++) {
            extraListeners.get(i).step(globalStep, value);
        }
    }

    private void notifyEpoch(EpochReport report) {
        listeners.forEach(l -> l.epoch(report));
        extraListeners.forEach(l -> l.epoch(report));
    }

    private void message(String line) {
        listeners.forEach(l -> l.message(line));
        extraListeners.forEach(l -> l.message(line));
    }

    // ---- checkpoints -----------------------------------------------------------------------

    private void saveCheckpoint(int atEpoch, int atBatch) throws IOException {
        if (checkpoint == null) {
            return;
        }
        requireFiniteState("after step " + globalStep);
        double lossSum = atBatch == 0 ? 0 : epochLossSum;
        Map<String, String> info = new LinkedHashMap<>(identity);
        info.putAll(checkpointInfo);
        Checkpoint.save(checkpoint, model, optimizer, new Checkpoint.Position(atEpoch, atBatch, globalStep, lossSum,
                seed, plannedSteps), info, lossScaling);
        message("checkpoint written to " + checkpoint + " (epoch " + (atEpoch + 1L) + ", batch " + atBatch + ", step "
                + globalStep + ")");
    }

    private void onInterrupt() throws IOException {
        if (checkpoint != null) {
            saveCheckpoint(epoch, train.batchesDone());
        }
        message("interrupted at step " + globalStep);
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

    /** Whether the last run stopped because of an interrupt. */
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
                // the hook is running: it waits on interruptHandled, which the loop has released
            }
            hook = null;
        }
        tape.close();
        evalTape.close();
        scope.close();
        if (ownsPool) {
            pool.close();
        }
    }

    /** Configures a {@link Trainer}; every setting but the optimizer has a default. */
    public static final class Builder {
        private final Module model;
        private Loss loss = Loss.crossEntropy();
        private TensorOptimizer<?> rule;
        private Optimizer optimizer;
        private double clipGradNorm;
        private Schedule schedule;
        private int epochs = 10;
        private int batch = 64;
        private long maxSteps;
        private long seed = 1;
        private final List<Metric> metrics = new ArrayList<>();
        private EarlyStopping earlyStopping;
        private final List<TrainListener> listeners = new ArrayList<>();
        private Progress progress;
        private Consumer<KinkReport> kinkListener;
        private Kinks kinks = Kinks.defaults();
        private Precision emulation;
        private LossScaling lossScaling;
        private Consumer<Tensor> rounding;
        private Path checkpoint;
        private Path resume;
        private boolean overwriteCheckpoint;
        private Map<String, String> identity = Map.of();
        private Map<String, String> checkpointInfo = Map.of();
        private boolean flattenInputs;
        private FeatureTransform transform = FeatureTransform.IDENTITY;
        private int threads;
        private KernelPool pool;
        private boolean warmup = KernelWarmup.enabled();

        private Builder(Module model) {
            this.model = Objects.requireNonNull(model, "model");
        }

        /** What is minimized; default {@link Loss#crossEntropy()}. */
        public Builder loss(Loss loss) {
            this.loss = Objects.requireNonNull(loss, "loss");
            return this;
        }

        /** One parameter group of all the model's parameters stepped by {@code optimizer} (required, or the next). */
        public Builder optimizer(TensorOptimizer<?> optimizer) {
            this.rule = Objects.requireNonNull(optimizer, "optimizer");
            this.optimizer = null;
            return this;
        }

        /**
         * A ready optimizer (parameter groups, clipping), which must step exactly the model's
         * parameters; the trainer's {@link #schedule} replaces its own when set.
         */
        public Builder optimizer(Optimizer optimizer) {
            this.optimizer = Objects.requireNonNull(optimizer, "optimizer");
            this.rule = null;
            return this;
        }

        /** Clips the gradients to this global L2 norm before each step (0, the default: off). */
        public Builder clipGradNorm(double maxNorm) {
            if (!(maxNorm >= 0) || !Double.isFinite(maxNorm)) {
                throw new IllegalArgumentException("gradient clipping needs a finite norm >= 0, got " + maxNorm);
            }
            this.clipGradNorm = maxNorm;
            return this;
        }

        /** The learning-rate schedule; default (or null) the optimizer's own, constant unless it has one. */
        public Builder schedule(Schedule schedule) {
            this.schedule = schedule;
            return this;
        }

        /** Epochs to train (counting those a resumed checkpoint already did); default 10. */
        public Builder epochs(int epochs) {
            if (epochs < 1) {
                throw new IllegalArgumentException("epochs must be at least 1, got " + epochs);
            }
            this.epochs = epochs;
            return this;
        }

        /** Examples per training step (evaluation uses the same); default 64. */
        public Builder batchSize(int batch) {
            if (batch < 1) {
                throw new IllegalArgumentException("batch size must be at least 1, got " + batch);
            }
            this.batch = batch;
            return this;
        }

        /** Stops after this many optimizer steps in all; 0 (the default) for no limit. */
        public Builder maxSteps(long maxSteps) {
            if (maxSteps < 0) {
                throw new IllegalArgumentException("max steps must be >= 0, got " + maxSteps);
            }
            this.maxSteps = maxSteps;
            return this;
        }

        /** Seeds the shuffling of each epoch (the model's initialization is its constructor's); default 1. */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** Reported on the validation set after each epoch; default accuracy (labels) or RMSE and MAE. */
        public Builder metrics(Metric... metrics) {
            this.metrics.clear();
            for (Metric m : metrics) {
                this.metrics.add(Objects.requireNonNull(m, "metric"));
            }
            return this;
        }

        /** Stops when a validation metric stops improving; default none. */
        public Builder earlyStopping(EarlyStopping earlyStopping) {
            this.earlyStopping = earlyStopping;
            return this;
        }

        /** Adds a receiver of per-step and per-epoch events. */
        public Builder listener(TrainListener listener) {
            this.listeners.add(Objects.requireNonNull(listener, "listener"));
            return this;
        }

        /** A progress display (null: none). */
        public Builder progress(Progress progress) {
            this.progress = progress;
            return this;
        }

        /** Receives each step's kink report (null: none). */
        public Builder kinkListener(Consumer<KinkReport> kinkListener) {
            this.kinkListener = kinkListener;
            return this;
        }

        /** The policy at every kink of the tapes' ops; default {@link Kinks#defaults()}. */
        public Builder kinks(Kinks kinks) {
            this.kinks = Objects.requireNonNull(kinks, "kinks");
            return this;
        }

        /** Emulates a precision op by op (null: none); its storage dtype must be the model's. */
        public Builder precision(Precision precision) {
            this.emulation = precision;
            return this;
        }

        /** Scales the loss for the reverse sweep (fp16 training; null: none). */
        public Builder lossScaling(LossScaling lossScaling) {
            this.lossScaling = lossScaling;
            return this;
        }

        /**
         * Applied to every layer's output and, after each step, to every parameter (a coarse
         * precision emulation for {@link Sequential} models; null: none).
         */
        public Builder roundEachLayer(Consumer<Tensor> rounding) {
            this.rounding = rounding;
            return this;
        }

        /** Where to write checkpoints (after each epoch, at the end, on interrupt); null: none. */
        public Builder checkpoint(Path file) {
            this.checkpoint = file;
            return this;
        }

        /**
         * Whether a run may replace an existing file at the {@link #checkpoint} path although it
         * does not {@link #resume} from that file; default false: such a run fails before training,
         * naming the file, so a fresh run cannot overwrite a good checkpoint by mistake.
         */
        public Builder overwriteCheckpoint(boolean overwrite) {
            this.overwriteCheckpoint = overwrite;
            return this;
        }

        /** A checkpoint for {@link Trainer#resume()} to continue from; null: none. */
        public Builder resume(Path file) {
            this.resume = file;
            return this;
        }

        /** Metadata a checkpoint must carry to be resumed by this run (model name, batch size, ...). */
        public Builder checkpointIdentity(Map<String, String> identity) {
            this.identity = new LinkedHashMap<>(identity);
            return this;
        }

        /** Further metadata written into checkpoints but not compared on resume. */
        public Builder checkpointInfo(Map<String, String> info) {
            this.checkpointInfo = new LinkedHashMap<>(info);
            return this;
        }

        /**
         * Whether batches are {@code [B, features]} rows (for a model that starts with a linear
         * layer on image data) instead of {@code [B, ...example shape]}; default false.
         */
        public Builder flattenInputs(boolean flatten) {
            this.flattenInputs = flatten;
            return this;
        }

        /** Preprocessing applied to every example's features (fit it on the training data); default none. */
        public Builder transform(FeatureTransform transform) {
            this.transform = Objects.requireNonNull(transform, "transform");
            return this;
        }

        /**
         * Runs the kernels on a pool of {@code threads} threads of the trainer's own (the calling
         * thread included), closed with the trainer; replaces a {@link #pool}. Default: the pool
         * bound to the thread that calls {@link Trainer#fit}, by default all processors.
         */
        public Builder threads(int threads) {
            if (threads < 1) {
                throw new IllegalArgumentException("threads must be at least 1, got " + threads);
            }
            this.threads = threads;
            this.pool = null;
            return this;
        }

        /**
         * Runs the kernels on {@code pool}, which the caller keeps and closes; replaces
         * {@link #threads}. Trainers that share a pool take its workers in turn: a job that finds
         * the pool busy runs on its caller's thread alone.
         */
        public Builder pool(KernelPool pool) {
            this.pool = Objects.requireNonNull(pool, "pool");
            this.threads = 0;
            return this;
        }

        /**
         * Whether the first step waits for a {@link KernelWarmup} (started when the trainer is
         * built) instead of running its kernels in the interpreter; default {@link
         * KernelWarmup#enabled()}: off unless turned on by {@code -Dinertia.warmup=true} or
         * {@code INERTIA_WARMUP=on}. The results are the same either way.
         */
        public Builder warmup(boolean warmup) {
            this.warmup = warmup;
            return this;
        }

        public Trainer build() {
            if (rule == null && optimizer == null) {
                throw new IllegalArgumentException("the trainer needs an optimizer, e.g. .optimizer(AdamW.builder()"
                        + ".lr(1e-3).build())");
            }
            if (optimizer != null && clipGradNorm > 0) {
                throw new IllegalArgumentException("clipGradNorm is set on a ready Optimizer's builder, not the"
                        + " trainer's");
            }
            return new Trainer(this);
        }
    }
}
