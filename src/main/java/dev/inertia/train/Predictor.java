package dev.inertia.train;

import dev.inertia.autodiff.Tape;
import dev.inertia.autodiff.Var;
import dev.inertia.data.FeatureTransform;
import dev.inertia.kernels.KernelPool;
import dev.inertia.kernels.ServingOrder;
import dev.inertia.memory.DType;
import dev.inertia.memory.Scope;
import dev.inertia.memory.Tensor;
import dev.inertia.nn.Module;
import dev.inertia.nn.Parameter;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Runs a trained model forward, without gradients, on raw examples: applies the model's
 * preprocessing ({@link FeatureTransform}), batches, and returns the outputs, class
 * probabilities or classes.
 *
 * <pre>{@code
 * try (Predictor p = Predictor.builder(model).exampleShape(64).transform(scaling).build()) {
 *     // or, for a model file: Predictor.builder(loaded.module()).info(loaded.info()).build()
 *     float[][] probabilities = p.predictProba(rows);
 *     int[] classes = p.predictClass(rows);
 * }
 * }</pre>
 *
 * <p><b>Threads.</b> A predictor is thread-safe: each calling thread gets its own tapes and
 * buffers at its first call (freed by {@link #close()}), and the model's parameters are only
 * read. The model is put in evaluation mode when the predictor is built; do not train it while
 * predicting with it.
 *
 * <p><b>Kernel threads.</b> Each call runs its kernels on the predictor's {@link KernelPool}: one
 * of {@link Builder#threads(int)} threads of its own (closed with the predictor), or the
 * {@link Builder#pool(KernelPool) pool} it was given, or by default the pool bound to the calling
 * thread ({@link KernelPool#current()}). A pool runs one job at a time: when two threads call a
 * predictor whose pool has 2 threads, a job of the second call that finds the pool busy runs on
 * that caller's thread alone, so concurrent callers compute side by side rather than queue.
 * Results do not depend on which thread runs what.
 *
 * <p><b>Bits.</b> The forward pass runs under {@link ServingOrder}: a batch of at most
 * {@link dev.inertia.kernels.scalar.ScalarGemm#SMALL_M} examples goes through a Linear layer as dot
 * products, much faster than the training GEMM at batch 1 but summed in another order, so an
 * example's outputs can differ in their last bits between a batch of 1-4 and a larger one (never
 * between calls with the same batch). The SIMD kernels and their scalar twins agree either way.
 *
 * <p><b>Memory.</b> Examples go through in batches of at most {@link #maxBatch()}; each thread
 * keeps one tape per batch size it has seen, so once a thread has predicted batches of some size
 * the next ones of that size allocate no off-heap memory, and the array forms that take an output
 * array ({@link #predict(float[], int, float[])}, {@link #predictProba(float[], int, float[])})
 * allocate (next to) nothing on the heap either.
 */
public final class Predictor implements AutoCloseable {
    private final Module model;
    private final FeatureTransform transform;
    private final int[] exampleShape;
    private final boolean flatten;
    private final int features;
    private final int maxBatch;
    private final DType dtype;
    private final int outputs;
    private final Scope scope = Scope.open();
    private final List<Session> sessions = new ArrayList<>();
    private final ThreadLocal<Session> current = ThreadLocal.withInitial(this::newSession);
    private volatile boolean closed;
    /** The pool the kernels run on, or null: the caller's. */
    private final KernelPool pool;
    /** Whether {@link #pool} was made for this predictor ({@link Builder#threads}), so closed with it. */
    private final boolean ownsPool;

    /** One calling thread's buffers. */
    private final class Session {
        final float[] row = new float[features];
        final Tensor input;
        /** A tape and an input view per batch size, made when first needed. */
        final Tape[] tapes = new Tape[maxBatch + 1];
        final Tensor[] views = new Tensor[maxBatch + 1];

        Session() {
            input = Tensor.zeros(scope, dtype, shape(maxBatch));
        }

        Tape tape(int n) {
            if (tapes[n] == null) {
                tapes[n] = new Tape();
                views[n] = n == maxBatch ? input
                        : Tensor.wrap(input.segment().asSlice(0, (long) n * features * dtype.byteSize()), dtype,
                                shape(n));
            }
            return tapes[n];
        }

        void close() {
            for (Tape t : tapes) {
                if (t != null) {
                    t.close();
                }
            }
        }
    }

    private Predictor(Builder b) {
        this.model = b.model;
        this.transform = b.transform;
        this.exampleShape = b.exampleShape.clone();
        this.flatten = b.flatten;
        this.maxBatch = b.maxBatch;
        int n = 1;
        for (int d : exampleShape) {
            if (d < 1) {
                throw new IllegalArgumentException("example shape " + Arrays.toString(exampleShape)
                        + " needs positive sizes");
            }
            n = Math.multiplyExact(n, d);
        }
        this.features = n;
        List<Parameter> params = model.parameters();
        this.dtype = params.isEmpty() ? DType.F32 : params.getFirst().value().dtype();
        model.eval();
        this.ownsPool = b.pool == null && b.threads > 0;
        this.pool = ownsPool ? KernelPool.ofThreads(b.threads) : b.pool;
        try (KernelPool.Binding bound = bindPool()) {
            this.outputs = probeOutputs();
        } catch (RuntimeException e) {
            if (ownsPool) {
                pool.close();
            }
            throw e;
        }
    }

    /** Binds the predictor's pool to the calling thread, or returns null (nothing to close) when it has none. */
    private KernelPool.Binding bindPool() {
        return pool == null ? null : pool.bind();
    }

    /** A builder of a predictor for {@code model}. */
    public static Builder builder(Module model) {
        return new Builder(model);
    }

    /** The output width, found by running the model once on zeros. */
    private int probeOutputs() {
        try (Tape t = new Tape()) {
            Tensor zeros = Tensor.zeros(scope, dtype, shape(1));
            Var y = model.forward(t.constant(zeros));
            return (int) y.value().size();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the model does not take examples of shape "
                    + Arrays.toString(exampleShape) + (flatten ? " flattened" : "") + ": " + e.getMessage(), e);
        }
    }

    private int[] shape(int rows) {
        if (flatten) {
            return new int[] {rows, features};
        }
        int[] shape = new int[exampleShape.length + 1];
        shape[0] = rows;
        System.arraycopy(exampleShape, 0, shape, 1, exampleShape.length);
        return shape;
    }

    private Session newSession() {
        synchronized (sessions) {
            requireOpen();
            Session s = new Session();
            sessions.add(s);
            return s;
        }
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("the predictor is closed");
        }
    }

    /** Features per example (raw, before the transform). */
    public int features() {
        return features;
    }

    /** Outputs per example: classes' logits, or regression values. */
    public int outputs() {
        return outputs;
    }

    /** Columns of {@link #predictProba}: the outputs, or 2 for a single logit (probabilities of 0 and 1). */
    public int probabilityColumns() {
        return outputs == 1 ? 2 : outputs;
    }

    /** The largest batch one forward pass takes; longer inputs go through in several. */
    public int maxBatch() {
        return maxBatch;
    }

    /**
     * The model's outputs for {@code n} examples whose raw features are row-major in
     * {@code features} ({@code n × features()} values): writes {@code n × outputs()} values into
     * {@code out}.
     */
    public void predict(float[] features, int n, float[] out) {
        requireOpen();
        if (n < 0 || (long) n * this.features > features.length) {
            throw new IllegalArgumentException(n + " examples need " + (long) n * this.features + " features, the"
                    + " array has " + features.length);
        }
        if (out.length < (long) n * outputs) {
            throw new IllegalArgumentException("output array has " + out.length + " values, " + n + " examples need "
                    + (long) n * outputs);
        }
        Session s = current.get();
        try (KernelPool.Binding bound = bindPool()) {
            predictBatches(s, features, n, out);
        }
    }

    /** {@link #predict(float[], int, float[])} on the calling thread's buffers, its pool bound. */
    private void predictBatches(Session s, float[] features, int n, float[] out) {
        for (int start = 0; start < n; start += maxBatch) {
            int m = Math.min(maxBatch, n - start);
            Tape tape = s.tape(m);
            Tensor input = s.views[m];
            MemorySegment in = input.segment();
            for (int i = 0; i < m; i++) {
                System.arraycopy(features, (start + i) * this.features, s.row, 0, this.features);
                transform.apply(s.row, 0, this.features);
                long at = (long) i * this.features;
                if (dtype == DType.F32) {
                    MemorySegment.copy(s.row, 0, in, ValueLayout.JAVA_FLOAT, at * Float.BYTES, this.features);
                } else {
                    for (int j = 0; j < this.features; j++) {
                        in.setAtIndex(ValueLayout.JAVA_DOUBLE, at + j, s.row[j]);
                    }
                }
            }
            tape.reset();
            Tensor y;
            // Served rows may take the small-batch GEMM order: batch-dependent last bits, ~2.5x less latency.
            try (ServingOrder.Binding serving = ServingOrder.bind()) {
                y = model.forward(tape.constant(input)).value();
            }
            MemorySegment ys = y.segment();
            int values = m * outputs;
            if (y.dtype() == DType.F32) {
                MemorySegment.copy(ys, ValueLayout.JAVA_FLOAT, 0, out, start * outputs, values);
            } else {
                for (int i = 0; i < values; i++) {
                    out[start * outputs + i] = (float) ys.getAtIndex(ValueLayout.JAVA_DOUBLE, i);
                }
            }
        }
    }

    /** The outputs of each row of {@code rows} (each {@link #features()} long). */
    public float[][] predict(float[][] rows) {
        float[] out = new float[rows.length * outputs];
        predict(flatten(rows), rows.length, out);
        return split(out, rows.length, outputs);
    }

    /** The outputs of one example. */
    public float[] predict(float[] example) {
        float[] out = new float[outputs];
        predict(example, 1, out);
        return out;
    }

    /**
     * Class probabilities of {@code n} examples into {@code out} ({@code n ×}
     * {@link #probabilityColumns()}): the softmax of the outputs, or for a single output the
     * sigmoid as {@code [1 - p, p]}.
     */
    public void predictProba(float[] features, int n, float[] out) {
        int columns = probabilityColumns();
        if (out.length < (long) n * columns) {
            throw new IllegalArgumentException("probability array has " + out.length + " values, " + n
                    + " examples need " + (long) n * columns);
        }
        if (outputs == 1) {
            predict(features, n, out);
            for (int i = n - 1; i >= 0; i--) { // backwards: row i's logit sits at i, its columns at 2i
                double p = 1 / (1 + Math.exp(-out[i]));
                out[2 * i + 1] = (float) p;
                out[2 * i] = (float) (1 - p);
            }
            return;
        }
        predict(features, n, out);
        for (int i = 0; i < n; i++) {
            int base = i * columns;
            double max = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < columns; c++) {
                max = Math.max(max, out[base + c]);
            }
            double sum = 0;
            for (int c = 0; c < columns; c++) {
                sum += Math.exp(out[base + c] - max);
            }
            for (int c = 0; c < columns; c++) {
                out[base + c] = (float) (Math.exp(out[base + c] - max) / sum);
            }
        }
    }

    /** Class probabilities of each row of {@code rows}. */
    public float[][] predictProba(float[][] rows) {
        float[] out = new float[rows.length * probabilityColumns()];
        predictProba(flatten(rows), rows.length, out);
        return split(out, rows.length, probabilityColumns());
    }

    /** The most probable class of each row (the first on ties; for a single logit, 1 when positive). */
    public int[] predictClass(float[][] rows) {
        float[][] outs = predict(rows);
        int[] classes = new int[rows.length];
        for (int i = 0; i < rows.length; i++) {
            classes[i] = argMax(outs[i]);
        }
        return classes;
    }

    /** The class of a row of outputs or probabilities: the arg-max (the first on ties), or for a single logit 1 when positive. */
    public static int argMax(float[] outputs) {
        if (outputs.length == 1) {
            return outputs[0] > 0 ? 1 : 0;
        }
        int best = 0;
        for (int c = 1; c < outputs.length; c++) {
            if (outputs[c] > outputs[best]) {
                best = c;
            }
        }
        return best;
    }

    private float[] flatten(float[][] rows) {
        float[] flat = new float[rows.length * features];
        for (int i = 0; i < rows.length; i++) {
            if (rows[i].length != features) {
                throw new IllegalArgumentException("row " + i + " has " + rows[i].length + " features, the model takes "
                        + features);
            }
            System.arraycopy(rows[i], 0, flat, i * features, features);
        }
        return flat;
    }

    private static float[][] split(float[] flat, int rows, int width) {
        float[][] out = new float[rows][];
        for (int i = 0; i < rows; i++) {
            out[i] = Arrays.copyOfRange(flat, i * width, (i + 1) * width);
        }
        return out;
    }

    /** Off-heap bytes allocated so far by this predictor and its tapes (for allocation tests). */
    long allocatedBytes() {
        synchronized (sessions) {
            long n = scope.allocatedBytes();
            for (Session session : sessions) {
                for (Tape t : session.tapes) {
                    n += t == null ? 0 : t.allocatedBytes();
                }
            }
            return n;
        }
    }

    /** Frees every thread's buffers; further calls throw {@link IllegalStateException}. */
    @Override
    public void close() {
        synchronized (sessions) {
            if (closed) {
                return;
            }
            closed = true;
            for (Session s : sessions) {
                s.close();
            }
            sessions.clear();
        }
        scope.close();
        if (ownsPool) {
            pool.close();
        }
    }

    /** Configures a {@link Predictor}. */
    public static final class Builder {
        private final Module model;
        private FeatureTransform transform = FeatureTransform.IDENTITY;
        private int[] exampleShape;
        private boolean flatten;
        private int maxBatch = 256;
        private int threads;
        private KernelPool pool;

        private Builder(Module model) {
            this.model = Objects.requireNonNull(model, "model");
        }

        /** The shape of one example's features, like {@code 64} or {@code 1, 28, 28} (required). */
        public Builder exampleShape(int... shape) {
            if (shape.length == 0) {
                throw new IllegalArgumentException("an example shape needs at least one dimension");
            }
            this.exampleShape = shape.clone();
            return this;
        }

        /** Whether examples are fed as flat rows {@code [B, features]} rather than {@code [B, ...shape]}. */
        public Builder flattenInputs(boolean flatten) {
            this.flatten = flatten;
            return this;
        }

        /** The preprocessing the model was trained with; default none. */
        public Builder transform(FeatureTransform transform) {
            this.transform = Objects.requireNonNull(transform, "transform");
            return this;
        }

        /**
         * The input layout and preprocessing a model file recorded ({@link LoadedModel#info()} or
         * {@link ModelFile#loadWeights}): its example shape, flattening and transform.
         */
        public Builder info(ModelInfo info) {
            exampleShape(info.exampleShape());
            flattenInputs(info.flattenInput());
            return transform(info.transform());
        }

        /** The largest batch of one forward pass; default 256. */
        public Builder maxBatch(int maxBatch) {
            if (maxBatch < 1) {
                throw new IllegalArgumentException("max batch must be at least 1, got " + maxBatch);
            }
            this.maxBatch = maxBatch;
            return this;
        }

        /**
         * Runs the kernels on a pool of {@code threads} threads of the predictor's own (each
         * calling thread included), closed with the predictor; replaces a {@link #pool}. Default:
         * the pool bound to each calling thread, by default all processors.
         */
        public Builder threads(int threads) {
            if (threads < 1) {
                throw new IllegalArgumentException("threads must be at least 1, got " + threads);
            }
            this.threads = threads;
            this.pool = null;
            return this;
        }

        /** Runs the kernels on {@code pool}, which the caller keeps and closes; replaces {@link #threads}. */
        public Builder pool(KernelPool pool) {
            this.pool = Objects.requireNonNull(pool, "pool");
            this.threads = 0;
            return this;
        }

        public Predictor build() {
            if (exampleShape == null) {
                throw new IllegalArgumentException("set the example shape the model takes, e.g. exampleShape(64)");
            }
            return new Predictor(this);
        }
    }
}
