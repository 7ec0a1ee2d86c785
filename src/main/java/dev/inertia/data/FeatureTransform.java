package dev.inertia.data;

/**
 * A preprocessing step applied to each example's raw features when a {@link Batcher} or a
 * predictor copies them into a batch: {@link Normalization} (fixed pixel statistics, as for
 * Fashion-MNIST), {@link Scaling} (per-feature standardization or min-max scaling fitted on a
 * training split), or {@link #IDENTITY}. A transform is fitted once and then fixed: model files
 * store it so that prediction applies the same one.
 */
@FunctionalInterface
public interface FeatureTransform {
    /** Leaves the features as they are. */
    FeatureTransform IDENTITY = (row, offset, length) -> { };

    /** Transforms the {@code length} features of one example, {@code row[offset ...]}, in place. */
    void apply(float[] row, int offset, int length);
}
