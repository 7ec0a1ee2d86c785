package dev.inertia.spark;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Iterator;

/**
 * One Spark partition's examples packed into flat arrays, cached once by {@link SparkTrainer}
 * so that rounds copy floats into off-heap batches instead of walking {@code Row}s.
 */
final class PackedPartition implements Serializable {
    final int features;
    final int rows;
    /** {@code rows x features}, row-major. */
    final float[] x;
    /** Class indices (classification), else null. */
    final int[] labels;
    /** {@code rows x targetWidth} (regression), else null. */
    final float[] targets;
    final int targetWidth;

    private PackedPartition(int features, int rows, float[] x, int[] labels, float[] targets, int targetWidth) {
        this.features = features;
        this.rows = rows;
        this.x = x;
        this.labels = labels;
        this.targets = targets;
        this.targetWidth = targetWidth;
    }

    boolean isClassification() {
        return labels != null;
    }

    /** Packs {@code examples}; every one must have {@code features} features and the same kind of target. */
    static PackedPartition of(Iterator<Example> examples, int features, boolean classification, String where) {
        Growing g = new Growing(features, classification);
        while (examples.hasNext()) {
            Example e = examples.next();
            if (e.isClassification() != classification) {
                throw new IllegalArgumentException(where + ", row " + g.rows + ": a " + (e.isClassification()
                        ? "classification" : "regression") + " example, but the loss wants " + (classification
                        ? "class labels" : "real-valued targets"));
            }
            g.add(e.features(), e.label(), e.target(), where);
        }
        return g.done();
    }

    /** Accumulates rows of unknown count. */
    static final class Growing {
        private final int features;
        private final boolean classification;
        private float[] x = new float[0];
        private int[] labels = new int[0];
        private float[] targets = new float[0];
        private int targetWidth = -1;
        int rows;

        Growing(int features, boolean classification) {
            this.features = features;
            this.classification = classification;
        }

        void add(float[] row, int label, float[] target, String where) {
            if (row.length != features) {
                throw new IllegalArgumentException(where + ", row " + rows + ": " + row.length + " features, expected "
                        + features);
            }
            if (rows == labels.length || (long) (rows + 1) * features > x.length) {
                int capacity = Math.max(16, rows * 2);
                x = Arrays.copyOf(x, Math.multiplyExact(capacity, Math.max(features, 1)));
                labels = Arrays.copyOf(labels, capacity);
            }
            System.arraycopy(row, 0, x, rows * features, features);
            if (classification) {
                if (label < 0) {
                    throw new IllegalArgumentException(where + ", row " + rows + ": class label " + label
                            + " is negative");
                }
                labels[rows] = label;
            } else {
                if (targetWidth < 0) {
                    targetWidth = target.length;
                } else if (target.length != targetWidth) {
                    throw new IllegalArgumentException(where + ", row " + rows + ": " + target.length
                            + " targets, earlier rows " + targetWidth);
                }
                if ((long) (rows + 1) * targetWidth > targets.length) {
                    targets = Arrays.copyOf(targets, Math.max(16, targets.length * 2) + targetWidth);
                }
                System.arraycopy(target, 0, targets, rows * targetWidth, targetWidth);
            }
            rows++;
        }

        PackedPartition done() {
            return new PackedPartition(features, rows, Arrays.copyOf(x, rows * features),
                    classification ? Arrays.copyOf(labels, rows) : null,
                    classification ? null : Arrays.copyOf(targets, rows * Math.max(targetWidth, 0)),
                    classification ? 0 : Math.max(targetWidth, 0));
        }
    }
}
