package dev.inertia.spark;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Objects;

/**
 * One training example of a {@code JavaRDD} given to {@link SparkTrainer#fit(org.apache.spark.api.java.JavaRDD, int)}:
 * its features and either a class index (classification) or a row of float targets (regression).
 *
 * @param features the example's features, flat (row-major for images)
 * @param label    the class index, or -1 for a regression example
 * @param target   the regression targets, or an empty array for a classification example
 */
public record Example(float[] features, int label, float[] target) implements Serializable {
    public Example {
        Objects.requireNonNull(features, "features");
        Objects.requireNonNull(target, "target");
        if (label < -1) {
            throw new IllegalArgumentException("a class label must be >= 0, got " + label);
        }
        if ((label >= 0) == (target.length > 0)) {
            throw new IllegalArgumentException("an example has either a class label or regression targets");
        }
    }

    /** A classification example of class {@code label} (0-based). */
    public static Example classification(float[] features, int label) {
        if (label < 0) {
            throw new IllegalArgumentException("a class label must be >= 0, got " + label);
        }
        return new Example(features, label, new float[0]);
    }

    /** A regression example with these targets. */
    public static Example regression(float[] features, float... target) {
        if (target.length == 0) {
            throw new IllegalArgumentException("a regression example needs at least one target");
        }
        return new Example(features, -1, target.clone());
    }

    /** Whether this example has a class label. */
    public boolean isClassification() {
        return label >= 0;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Example e && e.label == label && Arrays.equals(e.features, features)
                && Arrays.equals(e.target, target);
    }

    @Override
    public int hashCode() {
        return (Arrays.hashCode(features) * 31 + label) * 31 + Arrays.hashCode(target);
    }

    @Override
    public String toString() {
        return "Example[" + features.length + " features, " + (label >= 0 ? "label " + label
                : "target " + Arrays.toString(target)) + "]";
    }
}
