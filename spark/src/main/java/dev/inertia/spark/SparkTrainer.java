package dev.inertia.spark;

import dev.inertia.data.Dataset;
import dev.inertia.memory.Scope;
import dev.inertia.memory.Tensor;
import dev.inertia.nn.Module;
import dev.inertia.nn.Parameter;
import dev.inertia.optim.LrSchedule;
import dev.inertia.optim.Optimizer;
import dev.inertia.optim.TensorOptimizer;
import dev.inertia.train.Loss;
import dev.inertia.train.Schedule;
import dev.inertia.train.TrainingDivergedException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.NotSerializableException;
import java.io.ObjectOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Consumer;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Tuple2;

/**
 * Synchronous data-parallel training of an Inertia model on Apache Spark, on Spark's own
 * primitives: every round is one job that broadcasts the state, runs each cached partition's work
 * ({@code mapPartitions}) and sums the results ({@code treeAggregate}).
 *
 * <pre>{@code
 * SparkTrainer trainer = SparkTrainer.builder(scope -> Models.mlp(scope, DType.F32, 7))
 *         .loss(Loss::crossEntropy)
 *         .optimizer(() -> INNAprop.builder().lr(1e-3).build())
 *         .mode(Mode.LOCAL_SGD).syncEvery(32)        // average every 32 local steps
 *         .batchSize(64)                             // per partition and step
 *         .build();
 * try (SparkFit fit = trainer.fit(df, List.of("pixels"), "label", 10)) {
 *     Module model = fit.model();                    // Predictor.builder(model), ModelFile.save(...)
 *     System.out.println(fit.history().samplesPerSecond());
 * }
 * }</pre>
 *
 * <p><b>Modes.</b> {@link Mode#LOCAL_SGD} (the default): each partition takes K = {@link Builder#syncEvery}
 * optimizer steps on batches of {@link Builder#batchSize} of its own examples, then parameters,
 * buffers and optimizer state are averaged. {@link Mode#EXACT}: each step's global batch of
 * {@code batchSize x partitions} examples is the one a single-process {@code Trainer} with the
 * same seed and that batch size would take; every partition returns the gradient of the members
 * it holds, weighted by their share, and the driver sums them and steps the optimizer. With one
 * partition the result equals the single-process run bit for bit; with more, up to the order of
 * the float sums.
 *
 * <p><b>Faults.</b> A round's bytes depend only on the broadcast state, the plan, the partition
 * and the step number, so a task Spark retries (a lost executor, a failed attempt) computes the
 * same result and the fit is unchanged. Speculative execution would be safe for the same reason
 * but doubles the work of straggling rounds; leave {@code spark.speculation} off (its default).
 *
 * <p>The driver keeps the model and, in exact mode, the optimizer; executors build their own from
 * the serializable {@link ModelFactory} and specs, once per task slot and fit.
 */
public final class SparkTrainer {
    /**
     * The default K of local SGD, from the measured cost of a round (docs/spark.md): for the
     * 1.86 M-parameter mlp with INNAprop a round moves 67 MB, and with the Spark settings the
     * docs recommend its synchronization in local[2] costs about as much as 10-12 steps of batch
     * 64 on one core, 13% of a K = 64 round (K = 32: 25%); Fashion-MNIST's accuracy matched
     * single-process training at every K up to 128.
     */
    public static final int DEFAULT_SYNC_EVERY = 64;

    private static final Logger LOG = LoggerFactory.getLogger(SparkTrainer.class);

    private final ModelFactory factory;
    private final SerializableSupplier<Loss> loss;
    private final SerializableSupplier<TensorOptimizer<?>> optimizer;
    private final Schedule schedule;
    private final Mode mode;
    private final int syncEvery;
    private final int batch;
    private final int threadsPerTask;
    private final long seed;
    private final int treeDepth;
    private final long maxSteps;
    private final boolean reproducible;
    private final int[] exampleShape;
    private final boolean requireVector;
    private final List<Consumer<RoundReport>> listeners;
    private final Dataset validation;

    private SparkTrainer(Builder b) {
        this.factory = b.factory;
        this.loss = b.loss;
        this.optimizer = b.optimizer;
        this.schedule = b.schedule;
        this.mode = b.mode;
        this.syncEvery = b.syncEvery;
        this.batch = b.batch;
        this.threadsPerTask = b.threadsPerTask;
        this.seed = b.seed;
        this.treeDepth = b.treeDepth;
        this.maxSteps = b.maxSteps;
        this.reproducible = b.reproducible;
        this.exampleShape = b.exampleShape;
        this.requireVector = b.requireVector;
        this.listeners = List.copyOf(b.listeners);
        this.validation = b.validation;
    }

    /** A builder of a trainer of the models {@code factory} makes. */
    public static Builder builder(ModelFactory factory) {
        return new Builder(factory);
    }

    /**
     * Trains for {@code epochs} epochs on {@code data}: features from {@code featureCols} (one
     * {@code array<float|double>} column, or several numeric columns), the class index or
     * regression target from {@code labelCol}. Spark's partitions are the workers: repartition
     * first to the number of task slots you want busy.
     */
    public SparkFit fit(org.apache.spark.sql.Dataset<Row> data, List<String> featureCols, String labelCol,
            int epochs) {
        Objects.requireNonNull(data, "data");
        checkSpecs();
        boolean classification = loss.get().usesLabels();
        List<Row> first = data.limit(1).collectAsList();
        RowReader reader = RowReader.of(data.schema(), featureCols, labelCol, classification,
                first.isEmpty() ? null : first.getFirst());
        JavaRDD<PackedPartition> packed = data.javaRDD().mapPartitionsWithIndex(
                (i, rows) -> List.of(reader.pack(rows, "partition " + i)).iterator(), true);
        return train(JavaSparkContext.fromSparkContext(data.sparkSession().sparkContext()), packed,
                reader.features(), epochs);
    }

    /** {@link #fit(org.apache.spark.sql.Dataset, List, String, int)} with one features column. */
    public SparkFit fit(org.apache.spark.sql.Dataset<Row> data, String featuresCol, String labelCol, int epochs) {
        return fit(data, List.of(featuresCol), labelCol, epochs);
    }

    /** Trains for {@code epochs} epochs on {@code data}'s examples, partitioned as the RDD is. */
    public SparkFit fit(JavaRDD<Example> data, int epochs) {
        Objects.requireNonNull(data, "data");
        checkSpecs();
        boolean classification = loss.get().usesLabels();
        List<Example> first = data.take(1);
        int features = first.isEmpty() ? 0 : first.getFirst().features().length;
        JavaRDD<PackedPartition> packed = data.mapPartitionsWithIndex(
                (i, rows) -> List.of(PackedPartition.of(rows, features, classification, "partition " + i)).iterator(),
                true);
        return train(JavaSparkContext.fromSparkContext(data.context()), packed, features, epochs);
    }

    /** Fails early, on the driver, naming the part of the specification Spark could not ship. */
    private void checkSpecs() {
        requireSerializable(factory, "model factory");
        requireSerializable(loss, "loss supplier");
        requireSerializable(optimizer, "optimizer supplier");
    }

    private static void requireSerializable(Object o, String what) {
        try (ObjectOutputStream out = new ObjectOutputStream(new ByteArrayOutputStream())) {
            out.writeObject(o);
        } catch (NotSerializableException e) {
            throw new IllegalArgumentException("the " + what + " is not serializable: it holds a "
                    + e.getMessage() + ". Spark ships it to every executor: use a lambda or method reference that"
                    + " captures only serializable values (not an enclosing instance), or a Serializable class", e);
        } catch (IOException e) {
            throw new IllegalArgumentException("the " + what + " cannot be serialized: " + e, e);
        }
    }

    private SparkFit train(JavaSparkContext sc, JavaRDD<PackedPartition> source, int features, int epochs) {
        if (epochs < 1) {
            throw new IllegalArgumentException("epochs must be at least 1, got " + epochs);
        }
        long setupStart = System.nanoTime();
        String job = UUID.randomUUID().toString();
        int threads = threadsPerTask > 0 ? threadsPerTask : sc.getConf().getInt("spark.task.cpus", 1);
        if (sc.getConf().getBoolean("spark.speculation", false)) {
            LOG.warn("spark.speculation is on: a straggling round's tasks run twice (same results, double the work)");
        }
        JavaRDD<PackedPartition> packed = source.persist(StorageLevel.MEMORY_ONLY());
        Scope scope = Scope.open();
        boolean done = false;
        try {
            // the model first: a factory that fails or builds an unsupported model fails before the data pass
            Module model = factory.create(scope);
            List<Parameter> params = model.parameters();
            Optimizer opt = Optimizer.builder().group(optimizer.get(), params.stream().map(Parameter::param).toList())
                    .scope(scope).build();
            StateLayout layout = StateLayout.of(model, opt);
            List<Integer> counts;
            try {
                counts = packed.map(p -> p.rows).collect();
            } catch (Exception e) { // a bad row: the packing's own message, not Spark's job-abort text
                throw badData(e);
            }
            int partitions = counts.size();
            long[] offsets = new long[partitions + 1];
            for (int i = 0; i < partitions; i++) {
                int n = counts.get(i);
                if (n == 0) {
                    throw new IllegalArgumentException("partition " + i + " of " + partitions + " is empty: every"
                            + " partition trains, so each needs examples (repartition the data, e.g."
                            + " data.repartition(" + Math.max(1, partitions / 2) + "))");
                }
                if (mode == Mode.LOCAL_SGD && n < batch) {
                    throw new IllegalArgumentException("partition " + i + " holds " + n + " examples, fewer than one"
                            + " batch of " + batch + ": lower batchSize or repartition into fewer partitions");
                }
                offsets[i + 1] = offsets[i] + n;
            }
            if (offsets[partitions] > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("more than 2^31 examples");
            }
            int stepBatch = mode == Mode.EXACT ? Math.multiplyExact(batch, partitions) : batch;
            long stepsPerEpoch = offsets[partitions] / ((long) batch * partitions);
            if (stepsPerEpoch == 0) {
                throw new IllegalArgumentException("the " + offsets[partitions] + " examples are fewer than one global"
                        + " batch of " + batch + " x " + partitions + " partitions");
            }
            int[] shape = exampleShape != null ? exampleShape : new int[] {features};
            long shapeSize = 1;
            for (int d : shape) {
                shapeSize *= d;
            }
            if (shapeSize != features) {
                throw new IllegalArgumentException("example shape " + java.util.Arrays.toString(shape) + " holds "
                        + shapeSize + " values, the data has " + features + " features per example");
            }
            Plan plan = new Plan(job, mode, factory, loss, optimizer, layout, stepBatch, partitions, offsets,
                    stepsPerEpoch, seed, threads, shape, requireVector);
            double setupSeconds = (System.nanoTime() - setupStart) / 1e9;
            SparkHistory history = rounds(sc, packed, plan, model, opt, epochs, setupSeconds);
            done = true;
            return new SparkFit(scope, model, opt, history);
        } finally {
            cleanUp(packed, job);
            if (!done) {
                scope.close();
            }
        }
    }

    private SparkHistory rounds(JavaSparkContext sc, JavaRDD<PackedPartition> packed, Plan plan, Module model,
            Optimizer opt, int epochs, double setupSeconds) {
        StateLayout layout = plan.layout();
        long plannedSteps = epochs * plan.stepsPerEpoch();
        // a step limit stops the fit early without shortening the schedule (as the Trainer's)
        LrSchedule lr = schedule == null ? null : schedule.over(plannedSteps);
        long totalSteps = maxSteps > 0 ? Math.min(maxSteps, plannedSteps) : plannedSteps;
        int k = mode == Mode.EXACT ? 1 : syncEvery;
        int rounds = Math.toIntExact((totalSteps + k - 1) / k);
        float[] state = new float[mode == Mode.EXACT ? layout.modelLength() : layout.totalLength()];
        layout.packModel(model, state);
        if (mode == Mode.LOCAL_SGD) {
            layout.packOptimizer(opt, state);
        }
        suggestConf(sc, (long) state.length * Float.BYTES);
        Map<String, Tensor> modelState = model.stateDict();
        Map<String, Parameter> named = model.namedParameters();
        List<RoundReport> reports = new ArrayList<>();
        List<SparkHistory.EpochSummary> epochSummaries = new ArrayList<>();
        double epochLoss = 0;
        int epochRounds = 0;
        long start = System.nanoTime();
        long step = 0;
        for (int round = 1; round <= rounds; round++) {
            int steps = (int) Math.min(k, totalSteps - step);
            double[] factors = new double[steps];
            for (int s = 0; s < steps; s++) {
                factors[s] = lr == null ? 1 : lr.factor(step + s);
            }
            long t0 = System.nanoTime();
            Broadcast<float[]> bc = sc.broadcast(state);
            RoundResult r;
            try {
                r = aggregate(packed.mapPartitions(new RoundTask(plan, bc, step, factors)), round);
            } finally {
                bc.destroy();
            }
            if (mode == Mode.EXACT) {
                for (StateLayout.Slot s : layout.modelSlots()) {
                    Tensor into = s.parameter() ? named.get(s.name()).grad() : modelState.get(s.name());
                    StateLayout.fromArray(r.sum, s.offset(), into);
                }
                if (lr != null) {
                    opt.setLrFactor(factors[0]);
                } else {
                    opt.scheduleAt(step);
                }
                opt.step();
                layout.packModel(model, state);
            } else {
                if (plan.partitions() > 1) {
                    Sums.scale(r.sum, 1f / plan.partitions());
                }
                state = r.sum;
            }
            double wallMs = (System.nanoTime() - t0) / 1e6;
            double meanLoss = mode == Mode.EXACT ? r.lossSum : r.lossSum / Math.max(1, r.lossTerms);
            RoundReport report = new RoundReport(round, rounds, step, steps, meanLoss, r.samples, wallMs,
                    r.computeNanosMax / 1e6, (long) state.length * Float.BYTES, r.resultBytes);
            reports.add(report);
            step += steps;
            epochLoss += meanLoss;
            epochRounds++;
            LOG.info(String.format(Locale.ROOT, "round %d/%d (step %d/%d): loss %.4f, %d samples, %.0f ms (compute"
                    + " %.0f, sync %.0f), %.1f MB", round, rounds, step, totalSteps, meanLoss, r.samples, wallMs,
                    report.computeMs(), report.syncMs(), report.bytes() / 1e6));
            for (Consumer<RoundReport> l : listeners) {
                l.accept(report);
            }
            boolean epochEnds = step % plan.stepsPerEpoch() < steps || step == totalSteps;
            if (epochEnds) {
                double metric = Double.NaN;
                if (validation != null) {
                    if (mode == Mode.LOCAL_SGD) {
                        layout.unpackModel(state, model);
                    }
                    metric = Evaluation.metric(model, validation, plan.exampleShape());
                }
                int epoch = (int) Math.min(epochs, (step + plan.stepsPerEpoch() - 1) / plan.stepsPerEpoch());
                epochSummaries.add(new SparkHistory.EpochSummary(epoch, epochLoss / epochRounds, metric));
                LOG.info(String.format(Locale.ROOT, "epoch %d/%d: train loss %.4f%s", epoch, epochs,
                        epochLoss / epochRounds, Double.isNaN(metric) ? "" : String.format(Locale.ROOT,
                                ", validation %s %.4f", validation.isClassification() ? "accuracy" : "rmse", metric)));
                epochLoss = 0;
                epochRounds = 0;
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        if (mode == Mode.LOCAL_SGD) {
            layout.unpackModel(state, model);
            layout.unpackOptimizer(state, totalSteps, opt, opt.stateDict());
        }
        return new SparkHistory(reports, epochSummaries, seconds, setupSeconds);
    }

    /**
     * One line when the session's settings cost every round time for nothing: a float state
     * barely compresses, and a task result above {@code maxDirectResultSize} makes a second trip
     * through the block manager (docs/spark.md measures both).
     */
    private static void suggestConf(JavaSparkContext sc, long stateBytes) {
        List<String> settings = new ArrayList<>();
        if (sc.getConf().getBoolean("spark.broadcast.compress", true)) {
            settings.add("spark.broadcast.compress=false");
        }
        long direct = sc.getConf().getSizeAsBytes("spark.task.maxDirectResultSize", "1m");
        long mib = (stateBytes + (1 << 20) - 1) >> 20;
        if (stateBytes > direct && mib < 2048) { // an RPC message holds at most 2047 MiB
            // the direct size is capped by the RPC message size, 128 MiB unless raised
            settings.add("spark.task.maxDirectResultSize=" + mib + "m"
                    + (mib > 128 ? " with spark.rpc.message.maxSize=" + mib : ""));
        }
        if (!settings.isEmpty()) {
            LOG.info(String.format(Locale.ROOT, "each round moves a %.1f MB state; rounds are faster with %s"
                    + " (docs/spark.md, \"Spark settings\")", stateBytes / 1e6, String.join(" and ", settings)));
        }
    }

    /** Sums the partitions' results: Spark's tree, or (reproducible) a fixed pairwise tree by partition index. */
    private RoundResult aggregate(JavaRDD<RoundResult> results, int round) {
        try {
            if (!reproducible) {
                return results.treeAggregate(RoundResult.empty(), RoundResult::merge, RoundResult::merge, treeDepth);
            }
            // Each level adds exactly two results per key, and IEEE addition of two operands is
            // commutative: whatever order the shuffle delivers them in, the bits are the same.
            JavaPairRDD<Integer, RoundResult> level = results.mapPartitionsWithIndex(
                    (i, it) -> List.of(new Tuple2<>(i, it.next())).iterator(), true).mapToPair(t -> t);
            for (int n = results.getNumPartitions(); n > 1; n = (n + 1) / 2) {
                level = level.mapToPair(t -> new Tuple2<>(t._1() / 2, t._2())).reduceByKey(RoundResult::merge,
                        (n + 1) / 2);
            }
            return level.values().first();
        } catch (Exception e) { // Spark throws its checked SparkException undeclared
            throw unwrap(e, round);
        }
    }

    /** The library's own error when a task threw one (the user's message, not Spark's job-abort text). */
    private static RuntimeException unwrap(Exception e, int round) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof VectorModuleMissingException v) {
                return new VectorModuleMissingException(v.getMessage(), e);
            }
            if (t instanceof TrainingDivergedException d) {
                TrainingDivergedException out = new TrainingDivergedException(d.getMessage(), d.step());
                out.initCause(e);
                return out;
            }
        }
        return new IllegalStateException("round " + round + " failed: " + e.getMessage(), e);
    }

    private static RuntimeException badData(Exception e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof IllegalArgumentException bad) {
                return new IllegalArgumentException(bad.getMessage(), e);
            }
        }
        return new IllegalStateException("reading the data failed: " + e.getMessage(), e);
    }

    /** Closes the fit's workers on the executors (one task per partition reaches every executor that ran one) and here. */
    private static void cleanUp(JavaRDD<PackedPartition> packed, String job) {
        try {
            packed.foreachPartition(it -> Workers.closeAll(job));
        } catch (RuntimeException e) {
            LOG.warn("could not close the workers of fit " + job + " on every executor: " + e);
        } finally {
            Workers.closeAll(job);
            packed.unpersist(false);
        }
    }

    /** Configures a {@link SparkTrainer}; every setting but the optimizer has a default. */
    public static final class Builder {
        private final ModelFactory factory;
        private SerializableSupplier<Loss> loss = Loss::crossEntropy;
        private SerializableSupplier<TensorOptimizer<?>> optimizer;
        private Schedule schedule;
        private Mode mode = Mode.LOCAL_SGD;
        private int syncEvery = DEFAULT_SYNC_EVERY;
        private int batch = 64;
        private int threadsPerTask;
        private long seed = 1;
        private int treeDepth = 2;
        private long maxSteps;
        private boolean reproducible;
        private int[] exampleShape;
        private boolean requireVector = true;
        private final List<Consumer<RoundReport>> listeners = new ArrayList<>();
        private Dataset validation;

        private Builder(ModelFactory factory) {
            this.factory = Objects.requireNonNull(factory, "factory");
        }

        /** What is minimized, e.g. {@code Loss::crossEntropy} (the default) or {@code Loss::mse}. */
        public Builder loss(SerializableSupplier<Loss> loss) {
            this.loss = Objects.requireNonNull(loss, "loss");
            return this;
        }

        /** The optimizer, e.g. {@code () -> AdamW.builder().lr(1e-3).build()} (required). */
        public Builder optimizer(SerializableSupplier<TensorOptimizer<?>> optimizer) {
            this.optimizer = Objects.requireNonNull(optimizer, "optimizer");
            return this;
        }

        /** The learning-rate schedule over the fit's steps (null, the default: constant). */
        public Builder schedule(Schedule schedule) {
            this.schedule = schedule;
            return this;
        }

        /** Local SGD (the default) or exact gradient averaging. */
        public Builder mode(Mode mode) {
            this.mode = Objects.requireNonNull(mode, "mode");
            return this;
        }

        /** K, local SGD's optimizer steps between averagings; default {@link #DEFAULT_SYNC_EVERY}. */
        public Builder syncEvery(int k) {
            this.syncEvery = atLeastOne(k, "syncEvery");
            return this;
        }

        /** Examples per partition and step (exact mode's global batch is this times the partitions); default 64. */
        public Builder batchSize(int batch) {
            this.batch = atLeastOne(batch, "batch size");
            return this;
        }

        /** Kernel threads per task; default {@code spark.task.cpus} (give Spark the same figure). */
        public Builder threadsPerTask(int threads) {
            this.threadsPerTask = atLeastOne(threads, "threads per task");
            return this;
        }

        /** Seeds the order examples are visited in (the model's initialization is the factory's); default 1. */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** Stops after this many optimizer steps in all (0, the default: the epochs' steps). */
        public Builder maxSteps(long steps) {
            if (steps < 0) {
                throw new IllegalArgumentException("max steps must be >= 0, got " + steps);
            }
            this.maxSteps = steps;
            return this;
        }

        /** {@code treeAggregate}'s depth; default 2 (more levels relieve the driver when there are many partitions). */
        public Builder treeDepth(int depth) {
            this.treeDepth = atLeastOne(depth, "tree depth");
            return this;
        }

        /**
         * Sums the partitions in a fixed pairwise order by partition index, so that a fit with
         * more than two partitions gives the same bits every time (one shuffle per tree level
         * instead of {@code treeAggregate}); default off.
         */
        public Builder reproducible(boolean on) {
            this.reproducible = on;
            return this;
        }

        /** The shape the model takes one example in, like {@code 1, 28, 28} for a CNN; default the flat features. */
        public Builder exampleShape(int... shape) {
            this.exampleShape = shape.clone();
            return this;
        }

        /**
         * Whether an executor that cannot read {@code jdk.incubator.vector} fails the fit (the
         * default) instead of training with the scalar kernels.
         */
        public Builder requireVectorModule(boolean require) {
            this.requireVector = require;
            return this;
        }

        /** Receives every round's report on the driver. */
        public Builder listener(Consumer<RoundReport> listener) {
            this.listeners.add(Objects.requireNonNull(listener, "listener"));
            return this;
        }

        /** A data set (in driver memory) to measure accuracy or RMSE on after each epoch; default none. */
        public Builder validation(Dataset validation) {
            this.validation = validation;
            return this;
        }

        private static int atLeastOne(int value, String what) {
            if (value < 1) {
                throw new IllegalArgumentException(what + " must be at least 1, got " + value);
            }
            return value;
        }

        public SparkTrainer build() {
            if (optimizer == null) {
                throw new IllegalArgumentException("the trainer needs an optimizer, e.g. .optimizer(() ->"
                        + " AdamW.builder().lr(1e-3).build())");
            }
            return new SparkTrainer(this);
        }
    }
}
