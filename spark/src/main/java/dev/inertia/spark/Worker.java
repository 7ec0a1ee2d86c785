package dev.inertia.spark;

import dev.inertia.autodiff.Tape;
import dev.inertia.autodiff.Var;
import dev.inertia.data.EpochOrder;
import dev.inertia.kernels.KernelPool;
import dev.inertia.memory.DType;
import dev.inertia.memory.Scope;
import dev.inertia.memory.Tensor;
import dev.inertia.nn.Dropout;
import dev.inertia.nn.Module;
import dev.inertia.nn.Parameter;
import dev.inertia.optim.Optimizer;
import dev.inertia.optim.StateDict;
import dev.inertia.train.Loss;
import dev.inertia.train.TrainingDivergedException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * An executor's model, optimizer, tape and batch buffers for one fit, used by one task at a time
 * ({@link Workers} keeps them between rounds, so the factory runs once per task slot and fit).
 * Every round starts by loading the broadcast state, and the examples a step trains on are a
 * function of the plan, the partition and the step number only: a retried task computes the
 * same bits.
 */
final class Worker implements AutoCloseable {
    private final Plan plan;
    private final Scope scope = Scope.open();
    private final Module model;
    private final Optimizer optimizer;
    private final StateDict template;
    private final Loss loss;
    private final Tape tape = new Tape();
    private final KernelPool pool;
    private final List<Parameter> parameters;
    /** Reseeded at every round's start, so that a retried task draws the same masks. */
    private final List<Dropout> dropouts;
    private final List<StateLayout.Slot> parameterSlots = new ArrayList<>();
    private final int features;
    private final int targetWidth;
    private final int capacity;
    private final Tensor images;
    private final MemorySegment labels;
    private final Tensor targets;
    /** The reverse sweep's seed when a partition's loss is weighted (allocated at first use). */
    private Tensor seed;

    /** The visiting order cached for ({@link #orderPartition}, {@link #orderPass}). */
    private int[] order = new int[0];
    private int orderPartition = Integer.MIN_VALUE;
    private long orderPass = -1;

    Worker(Plan plan, int features, int targetWidth) {
        this.plan = plan;
        try {
            this.model = plan.factory().create(scope);
            this.parameters = model.parameters();
            this.dropouts = model.namedModules().values().stream().filter(Dropout.class::isInstance)
                    .map(Dropout.class::cast).toList();
            this.optimizer = Optimizer.builder().group(plan.optimizer().get(), parameters.stream()
                    .map(Parameter::param).toList()).scope(scope).build();
            String mine = StateLayout.of(model, optimizer).signature();
            if (!mine.equals(plan.layout().signature())) {
                throw new IllegalStateException("the model factory built a different model on this executor than on"
                        + " the driver: the factory must build the same architecture every time.\ndriver:\n"
                        + plan.layout().signature() + "executor:\n" + mine);
            }
            this.template = optimizer.stateDict();
            this.loss = plan.loss().get();
            Map<String, Parameter> named = model.namedParameters();
            for (StateLayout.Slot s : plan.layout().modelSlots()) {
                if (s.parameter() && named.containsKey(s.name())) {
                    parameterSlots.add(s);
                }
            }
            this.features = features;
            this.targetWidth = targetWidth;
            this.capacity = plan.batch();
            this.images = Tensor.zeros(scope, DType.F32, capacity, Math.max(features, 1));
            this.labels = scope.allocate(4L * capacity);
            this.targets = Tensor.zeros(scope, DType.F32, capacity, Math.max(targetWidth, 1));
            this.pool = KernelPool.ofThreads(plan.threadsPerTask());
        } catch (RuntimeException | Error e) {
            tape.close();
            scope.close();
            throw e;
        }
    }

    String job() {
        return plan.job();
    }

    boolean fits(PackedPartition part) {
        return part.features == features && part.targetWidth == targetWidth;
    }

    KernelPool.Binding bind() {
        return pool.bind();
    }

    /**
     * Local SGD: loads parameters, buffers and optimizer state from {@code state}, takes
     * {@code lrFactors.length} steps from global step {@code startStep} on this partition's own
     * mini-batches, and returns the new state.
     */
    RoundResult localSteps(PackedPartition part, int partition, float[] state, long startStep, double[] lrFactors) {
        long t0 = System.nanoTime();
        StateLayout layout = plan.layout();
        layout.unpackModel(state, model);
        layout.unpackOptimizer(state, startStep, optimizer, template);
        reseedDropout(partition, startStep);
        double lossSum = 0;
        for (int s = 0; s < lrFactors.length; s++) {
            long step = startStep + s;
            fillLocal(part, partition, step);
            lossSum += forwardBackward(plan.batch(), 1, step, partition);
            optimizer.setLrFactor(lrFactors[s]);
            optimizer.step();
        }
        float[] out = new float[layout.totalLength()];
        layout.packModel(model, out);
        layout.packOptimizer(optimizer, out);
        return result(out, lossSum, lrFactors.length, (long) lrFactors.length * plan.batch(), t0);
    }

    /**
     * Exact mode: loads parameters and buffers from {@code state} and returns this partition's
     * share of global step {@code step}'s gradient, weighted by its share of the global batch (so
     * the shares sum to the gradient of the whole batch's mean loss), with the buffers divided by
     * the partition count (so they sum to their mean).
     */
    RoundResult gradient(PackedPartition part, int partition, float[] state, long step) {
        long t0 = System.nanoTime();
        StateLayout layout = plan.layout();
        layout.unpackModel(state, model);
        reseedDropout(partition, step);
        int n = fillGlobal(part, partition, step);
        double l = 0;
        if (n > 0) {
            l = forwardBackward(n, (double) n / plan.batch(), step, partition);
        }
        float[] out = new float[layout.modelLength()];
        Map<String, Tensor> current = model.stateDict();
        for (StateLayout.Slot s : layout.modelSlots()) {
            if (!s.parameter()) {
                StateLayout.toArray(current.get(s.name()), out, s.offset());
                float f = 1f / plan.partitions();
                for (int i = s.offset(); i < s.offset() + s.length(); i++) {
                    out[i] *= f;
                }
            }
        }
        if (n > 0) {
            for (int i = 0; i < parameterSlots.size(); i++) {
                StateLayout.toArray(parameters.get(i).grad(), out, parameterSlots.get(i).offset());
            }
        }
        // the partition's weighted share of the batch's mean loss
        return result(out, l * n / plan.batch(), n > 0 ? 1 : 0, n, t0);
    }

    private RoundResult result(float[] out, double lossSum, long lossTerms, long samples, long t0) {
        RoundResult r = new RoundResult();
        r.sum = out;
        r.lossSum = lossSum;
        r.lossTerms = lossTerms;
        r.samples = samples;
        r.partitions = 1;
        r.computeNanosMax = r.computeNanosSum = System.nanoTime() - t0;
        r.resultBytes = (long) out.length * Float.BYTES;
        return r;
    }

    /** Forward and reverse pass over the first {@code n} rows of the batch buffers; returns the mean loss. */
    private double forwardBackward(int n, double weight, long step, int partition) {
        tape.reset();
        int[] shape = new int[plan.exampleShape().length + 1];
        shape[0] = n;
        System.arraycopy(plan.exampleShape(), 0, shape, 1, plan.exampleShape().length);
        Tensor x = Tensor.wrap(images.segment().asSlice(0, (long) n * features * Float.BYTES), DType.F32, shape);
        Var output = model.forward(tape.constant(x));
        Var y = loss.usesLabels() ? null : tape.constant(Tensor.wrap(
                targets.segment().asSlice(0, (long) n * targetWidth * Float.BYTES), DType.F32, n, targetWidth));
        Var value = loss.apply(output, y, labels.asSlice(0, 4L * n));
        double l = value.value().getDouble(0);
        if (!Double.isFinite(l)) {
            throw new TrainingDivergedException(String.format(Locale.ROOT, "training diverged at step %d on partition"
                    + " %d: the %s loss is %s. Lower the learning rate or check the data for extreme values",
                    step + 1, partition, loss.name(), l), step + 1);
        }
        if (weight == 1) {
            tape.backward(value);
        } else {
            if (seed == null) {
                seed = Tensor.zeros(scope, value.value().dtype(), value.value().shape());
            }
            seed.setDouble(0, weight);
            tape.backward(value, seed);
        }
        return l;
    }

    /**
     * Local SGD's batch: the partition visits its examples in passes, each a permutation seeded by
     * the plan's seed, the partition and the pass; step {@code t} takes positions
     * {@code t*b .. t*b+b-1} of that endless sequence.
     */
    private void fillLocal(PackedPartition part, int partition, long step) {
        int b = plan.batch();
        for (int i = 0; i < b; i++) {
            long q = step * b + i;
            long pass = q / part.rows;
            if (partition != orderPartition || pass != orderPass) {
                order = order.length == part.rows ? order : new int[part.rows];
                EpochOrder.shuffled(partitionSeed(plan.seed(), partition), Math.toIntExact(pass), order);
                orderPartition = partition;
                orderPass = pass;
            }
            copyRow(part, order[(int) (q % part.rows)], i);
        }
    }

    /**
     * Exact mode's batch: the global permutation of epoch {@code step / stepsPerEpoch} (the one a
     * single-process {@code Trainer} with the same seed visits), batch {@code step % stepsPerEpoch};
     * this partition takes the members it holds, in batch order. Returns how many.
     */
    private int fillGlobal(PackedPartition part, int partition, long step) {
        long epoch = step / plan.stepsPerEpoch();
        long j = step % plan.stepsPerEpoch();
        int total = Math.toIntExact(plan.total());
        if (orderPartition != -1 || orderPass != epoch) {
            order = order.length == total ? order : new int[total];
            EpochOrder.shuffled(plan.seed(), Math.toIntExact(epoch), order);
            orderPartition = -1;
            orderPass = epoch;
        }
        long first = plan.offsets()[partition];
        int n = 0;
        int from = Math.toIntExact(j * plan.batch());
        for (int p = from; p < from + plan.batch(); p++) {
            long g = order[p] - first;
            if (g >= 0 && g < part.rows) {
                copyRow(part, (int) g, n++);
            }
        }
        return n;
    }

    private void copyRow(PackedPartition part, int row, int at) {
        MemorySegment.copy(part.x, row * features, images.segment(), ValueLayout.JAVA_FLOAT,
                (long) at * features * Float.BYTES, features);
        if (part.isClassification()) {
            labels.setAtIndex(ValueLayout.JAVA_INT, at, part.labels[row]);
        } else {
            MemorySegment.copy(part.targets, row * targetWidth, targets.segment(), ValueLayout.JAVA_FLOAT,
                    (long) at * targetWidth * Float.BYTES, targetWidth);
        }
    }

    private void reseedDropout(int partition, long step) {
        for (int i = 0; i < dropouts.size(); i++) {
            dropouts.get(i).setRngState(partitionSeed(partitionSeed(plan.seed(), partition) + step, i));
        }
    }

    /** A seed per partition: SplitMix64's increment keeps neighbouring partitions' streams unrelated. */
    static long partitionSeed(long seed, int partition) {
        return seed ^ (0x9E3779B97F4A7C15L * (partition + 1L));
    }

    @Override
    public void close() {
        pool.close();
        tape.close();
        scope.close();
    }
}
