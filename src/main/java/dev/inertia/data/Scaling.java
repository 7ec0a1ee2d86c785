package dev.inertia.data;

import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;

/**
 * A per-feature affine preprocessing, {@code x[j] = (x[j] - center[j]) / spread[j]} computed in
 * double and rounded once to float, fitted on a training split and then fixed (model files
 * store it, so prediction applies the same transform):
 * <ul>
 * <li>{@link #standardize(Dataset)}: center the mean, spread the population standard deviation
 * (as scikit-learn's {@code StandardScaler});
 * <li>{@link #minMax(Dataset)}: center the minimum, spread the range, so the training split's
 * values lie in [0, 1] ({@code MinMaxScaler}).
 * </ul>
 * A constant feature gets spread 1 (it becomes 0 after centring) instead of a division by zero.
 *
 * @param kind   {@code standardize} or {@code minmax}, for reports and model files
 * @param center subtracted, one value per feature
 * @param spread the divisor, one positive finite value per feature
 */
public record Scaling(String kind, double[] center, double[] spread) implements FeatureTransform {
    /** The kinds {@link #fit} knows. */
    public static final String STANDARDIZE = "standardize", MIN_MAX = "minmax";

    public Scaling {
        Objects.requireNonNull(kind, "kind");
        center = center.clone();
        spread = spread.clone();
        if (center.length != spread.length) {
            throw new IllegalArgumentException("scaling: " + center.length + " centers but " + spread.length
                    + " spreads");
        }
        for (int j = 0; j < center.length; j++) {
            if (!Double.isFinite(center[j]) || !(spread[j] > 0) || !Double.isFinite(spread[j])) {
                throw new IllegalArgumentException("scaling: feature " + j + " has center " + center[j]
                        + " and spread " + spread[j] + " (need finite values and a positive spread)");
            }
        }
    }

    /** Fits {@code kind} ({@link #STANDARDIZE} or {@link #MIN_MAX}) on {@code data}. */
    public static Scaling fit(String kind, Dataset data) {
        return switch (kind.toLowerCase(Locale.ROOT)) {
            case STANDARDIZE -> standardize(data);
            case MIN_MAX, "min-max" -> minMax(data);
            default -> throw new IllegalArgumentException("unknown scaling '" + kind + "': expected " + STANDARDIZE
                    + " or " + MIN_MAX);
        };
    }

    /** Mean and population standard deviation of each feature of {@code data} (two passes, in double). */
    public static Scaling standardize(Dataset data) {
        int d = requireData(data);
        double[] mean = new double[d], m2 = new double[d];
        float[] row = new float[d];
        for (int i = 0; i < data.size(); i++) { // Welford: stable for large offsets
            data.copyFeatures(i, row, 0);
            for (int j = 0; j < d; j++) {
                double delta = row[j] - mean[j];
                mean[j] += delta / (i + 1);
                m2[j] += delta * (row[j] - mean[j]);
            }
        }
        double[] std = new double[d];
        for (int j = 0; j < d; j++) {
            double s = Math.sqrt(m2[j] / data.size());
            std[j] = s > 0 && Double.isFinite(s) ? s : 1;
        }
        return new Scaling(STANDARDIZE, mean, std);
    }

    /** Minimum and range of each feature of {@code data}. */
    public static Scaling minMax(Dataset data) {
        int d = requireData(data);
        double[] min = new double[d], max = new double[d];
        Arrays.fill(min, Double.POSITIVE_INFINITY);
        Arrays.fill(max, Double.NEGATIVE_INFINITY);
        float[] row = new float[d];
        for (int i = 0; i < data.size(); i++) {
            data.copyFeatures(i, row, 0);
            for (int j = 0; j < d; j++) {
                min[j] = Math.min(min[j], row[j]);
                max[j] = Math.max(max[j], row[j]);
            }
        }
        double[] range = new double[d];
        for (int j = 0; j < d; j++) {
            double r = max[j] - min[j];
            range[j] = r > 0 && Double.isFinite(r) ? r : 1;
        }
        return new Scaling(MIN_MAX, min, range);
    }

    private static int requireData(Dataset data) {
        if (data.size() == 0) {
            throw new IllegalArgumentException("cannot fit a scaling on " + data.name() + ": it has no examples");
        }
        return data.features();
    }

    /** Features this scaling was fitted on. */
    public int features() {
        return center.length;
    }

    @Override
    public double[] center() {
        return center.clone();
    }

    @Override
    public double[] spread() {
        return spread.clone();
    }

    @Override
    public void apply(float[] row, int offset, int length) {
        if (length != center.length) {
            throw new IllegalArgumentException("scaling fitted on " + center.length + " features applied to "
                    + length);
        }
        for (int j = 0; j < length; j++) {
            row[offset + j] = (float) ((row[offset + j] - center[j]) / spread[j]);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Scaling s && kind.equals(s.kind) && Arrays.equals(center, s.center)
                && Arrays.equals(spread, s.spread);
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, Arrays.hashCode(center), Arrays.hashCode(spread));
    }

    @Override
    public String toString() {
        return "Scaling[" + kind + ", " + center.length + " features]";
    }
}
