package dev.inertia.data;

import dev.inertia.memory.DType;
import dev.inertia.memory.Scope;
import dev.inertia.memory.Tensor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Objects;

/**
 * Copies batches of a {@link Dataset} into off-heap tensors that are allocated once and reused:
 * after construction, {@link #startEpoch} and {@link #next} allocate nothing (the per-epoch
 * shuffle creates one small random-number generator).
 *
 * <p>Each example's features are copied as F32 values, passed through the
 * {@link FeatureTransform} (Fashion-MNIST's {@link Normalization}, a fitted {@link Scaling}, or
 * none), and laid out {@code [B, features]} ({@link Layout#FLAT}, for linear layers) or
 * {@code [B, ...example shape]} ({@link Layout#IMAGE}: {@code [B, 1, rows, cols]} for images, for
 * convolutions). Class labels are 32-bit ints in native byte order, {@link #labels()}; the
 * targets as F32 {@code [B, target width]}, {@link #targets()} (regression values, or the class
 * index as a float).
 *
 * <p><b>The last partial batch.</b> When the batch size does not divide the data set,
 * {@link LastBatch#DROP} skips the {@code size % batch} examples left at the end of each epoch
 * (every step then has the same shape, and since each epoch reshuffles, a different few are
 * skipped each time), while {@link LastBatch#KEEP} delivers them as a smaller final batch, whose
 * {@link #images()} and {@link #labels()} are views of the first {@link #size()} rows of the same
 * memory. {@link #training} drops, {@link #evaluation} keeps (every test image counts).
 */
public final class Batcher {
    /** How an image batch is shaped. */
    public enum Layout {
        /** {@code [B, features]}. */
        FLAT,
        /** {@code [B, ...example shape]}: {@code [B, 1, rows, cols]} for grey images. */
        IMAGE
    }

    /** What happens to the examples left over when the batch size does not divide the data set. */
    public enum LastBatch {
        /** Skip them; every batch is full. */
        DROP,
        /** Deliver them as a smaller last batch. */
        KEEP
    }

    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT;

    private final Dataset data;
    private final int batch;
    private final Layout layout;
    private final LastBatch lastBatch;
    private final boolean shuffle;
    private final long seed;
    private final FeatureTransform transform;
    private final float[] row;
    private final float[] targetRow;
    private final int[] order;
    private final int batchesPerEpoch;

    private final Tensor fullImages;
    private final MemorySegment fullLabels;
    private final Tensor fullTargets;
    private final Tensor partialImages;
    private final MemorySegment partialLabels;
    private final Tensor partialTargets;
    /** Rows of the kept partial batch, or -1 when there is none. */
    private final int partialRows;

    private int epoch = -1;
    private int nextBatch;
    private int size;

    /**
     * A batcher over {@code data} whose tensors live in {@code scope}.
     *
     * @param shuffle whether each epoch visits the examples in the order {@link EpochOrder} derives
     *                from {@code seed} and the epoch, or in data-set order
     */
    public Batcher(Dataset data, Scope scope, int batch, Layout layout, LastBatch lastBatch,
            FeatureTransform transform, boolean shuffle, long seed) {
        this.data = Objects.requireNonNull(data, "data");
        Objects.requireNonNull(scope, "scope");
        this.layout = Objects.requireNonNull(layout, "layout");
        this.lastBatch = Objects.requireNonNull(lastBatch, "lastBatch");
        this.transform = Objects.requireNonNull(transform, "transform");
        if (batch < 1) {
            throw new IllegalArgumentException("batch size must be at least 1, not " + batch);
        }
        if (lastBatch == LastBatch.DROP && batch > data.size()) {
            throw new IllegalArgumentException("batch size " + batch + " exceeds the " + data.size() + " examples of "
                    + data.name() + " and the last partial batch is dropped: no batch would remain");
        }
        this.batch = batch;
        this.shuffle = shuffle;
        this.seed = seed;
        this.row = new float[data.features()];
        this.targetRow = new float[data.targetWidth()];
        this.order = new int[data.size()];
        int remainder = data.size() % batch;
        this.batchesPerEpoch = data.size() / batch + (lastBatch == LastBatch.KEEP && remainder > 0 ? 1 : 0);
        int full = Math.min(batch, data.size());
        this.fullImages = shaped(Tensor.zeros(scope, DType.F32, full, data.features()), full);
        this.fullLabels = scope.allocate(4L * full);
        this.fullTargets = Tensor.zeros(scope, DType.F32, full, data.targetWidth());
        boolean partial = lastBatch == LastBatch.KEEP && remainder > 0 && remainder != full;
        this.partialRows = partial ? remainder : -1;
        this.partialImages = partial
                ? shaped(Tensor.wrap(fullImages.segment(), DType.F32, remainder, data.features()), remainder)
                : fullImages;
        this.partialLabels = partial ? fullLabels.asSlice(0, 4L * remainder) : fullLabels;
        this.partialTargets = partial ? Tensor.wrap(fullTargets.segment(), DType.F32, remainder, data.targetWidth())
                : fullTargets;
    }

    /** Shuffled batches that drop the last partial batch: what a training loop wants. */
    public static Batcher training(Dataset data, Scope scope, int batch, Layout layout, FeatureTransform transform,
            long seed) {
        return new Batcher(data, scope, batch, layout, LastBatch.DROP, transform, true, seed);
    }

    /** Batches in data-set order that keep the last partial batch: what an evaluation wants. */
    public static Batcher evaluation(Dataset data, Scope scope, int batch, Layout layout,
            FeatureTransform transform) {
        return new Batcher(data, scope, batch, layout, LastBatch.KEEP, transform, false, 0);
    }

    /** Starts epoch {@code epoch} (0-based) at its first batch. */
    public void startEpoch(int epoch) {
        startEpoch(epoch, 0);
    }

    /**
     * Starts epoch {@code epoch} at batch {@code batchIndex}: the batches that follow are exactly
     * those an uninterrupted epoch would deliver from there (for resuming a run).
     */
    public void startEpoch(int epoch, int batchIndex) {
        if (epoch < 0) {
            throw new IllegalArgumentException("epoch must be >= 0, not " + epoch);
        }
        if (batchIndex < 0 || batchIndex > batchesPerEpoch) {
            throw new IllegalArgumentException("batch index " + batchIndex + " is outside 0.." + batchesPerEpoch);
        }
        if (shuffle) {
            EpochOrder.shuffled(seed, epoch, order);
        } else if (this.epoch < 0) {
            EpochOrder.identity(order);
        }
        this.epoch = epoch;
        this.nextBatch = batchIndex;
        this.size = 0;
    }

    /** Fills the tensors with the next batch of the epoch; false (and nothing filled) once it is over. */
    public boolean next() {
        if (epoch < 0) {
            throw new IllegalStateException("call startEpoch before next");
        }
        if (nextBatch >= batchesPerEpoch) {
            size = 0;
            return false;
        }
        int start = nextBatch * batch;
        int count = Math.min(batch, data.size() - start);
        fill(start, count);
        size = count;
        nextBatch++;
        return true;
    }

    private void fill(int start, int count) {
        int features = row.length, width = targetRow.length;
        boolean classification = data.isClassification();
        MemorySegment images = fullImages.segment(), targets = fullTargets.segment();
        for (int i = 0; i < count; i++) {
            int example = order[start + i];
            data.copyFeatures(example, row, 0);
            transform.apply(row, 0, features);
            MemorySegment.copy(row, 0, images, FLOAT, (long) i * features * Float.BYTES, features);
            if (classification) {
                int label = data.label(example);
                fullLabels.setAtIndex(INT, i, label);
                targets.setAtIndex(FLOAT, i, label);
            } else {
                data.copyTarget(example, targetRow, 0);
                MemorySegment.copy(targetRow, 0, targets, FLOAT, (long) i * width * Float.BYTES, width);
            }
        }
    }

    /** The images of the current batch: {@code [size(), ...]} F32 per the layout. */
    public Tensor images() {
        return size == partialRows ? partialImages : fullImages;
    }

    /** The labels of the current batch: {@link #size()} 32-bit ints in native byte order. */
    public MemorySegment labels() {
        return size == partialRows ? partialLabels : fullLabels;
    }

    /** The targets of the current batch: {@code [size(), target width]} F32 (class indices as floats). */
    public Tensor targets() {
        return size == partialRows ? partialTargets : fullTargets;
    }

    /** Label {@code i} of the current batch. */
    public int label(int i) {
        return fullLabels.getAtIndex(INT, checkInBatch(i));
    }

    /** Copies the current batch's labels into the start of {@code into} (at least {@link #size()} long). */
    public void copyLabels(int[] into) {
        if (into.length < size) {
            throw new IllegalArgumentException("copyLabels needs room for " + size + " labels, got " + into.length);
        }
        for (int i = 0; i < size; i++) {
            into[i] = fullLabels.getAtIndex(INT, i);
        }
    }

    /** The data-set index of example {@code i} of the current batch. */
    public int exampleIndex(int i) {
        return order[(nextBatch - 1) * batch + checkInBatch(i)];
    }

    /** Examples in the current batch (0 before the first {@link #next()} of an epoch). */
    public int size() {
        return size;
    }

    /** The batch size (the current batch can be smaller: see the last-batch policy). */
    public int batchSize() {
        return batch;
    }

    /** Batches in one epoch, counting a kept partial batch. */
    public int batchesPerEpoch() {
        return batchesPerEpoch;
    }

    /** Examples one epoch delivers (fewer than the data set's when the last batch is dropped). */
    public long examplesPerEpoch() {
        return lastBatch == LastBatch.KEEP ? data.size() : (long) batchesPerEpoch * batch;
    }

    /** The current epoch, or -1 before the first {@link #startEpoch}. */
    public int epoch() {
        return epoch;
    }

    /** Batches of the current epoch delivered so far (the index of the next batch). */
    public int batchesDone() {
        return nextBatch;
    }

    public Layout layout() {
        return layout;
    }

    public LastBatch lastBatch() {
        return lastBatch;
    }

    public Dataset dataset() {
        return data;
    }

    private int checkInBatch(int i) {
        return Objects.checkIndex(i, size);
    }

    private Tensor shaped(Tensor flat, int rows) {
        if (layout == Layout.FLAT) {
            return flat;
        }
        int[] example = data.exampleShape();
        int[] shape = new int[example.length + 1];
        shape[0] = rows;
        System.arraycopy(example, 0, shape, 1, example.length);
        return flat.reshape(shape);
    }
}
