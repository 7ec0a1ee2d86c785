package dev.inertia.data;

import java.util.ArrayList;
import java.util.List;

/**
 * Labelled examples a {@link Batcher} copies into off-heap batches: features of any per-example
 * shape ({@code [d]} for tabular rows, {@code [c, h, w]} for images) and either a class index
 * (classification, {@link #classes()} {@code > 0}) or a row of float targets (regression,
 * {@link #classes()} {@code == 0}, {@link #targetWidth()} values per example).
 *
 * <p>Implementations: {@link ImageDataset} (IDX files, Fashion-MNIST), {@link ArrayDataset}
 * (Java arrays or off-heap memory), {@link CsvDataset} (CSV files), and {@link Subset} (a view of
 * some rows of another data set, as {@link Splits} makes). Features are raw values: scaling
 * (standardization, min-max, Fashion-MNIST's normalization) is a {@link FeatureTransform} the
 * batcher applies, fitted on the training split only.
 *
 * <p>Reads may come from several threads at once (a predictor and a trainer); implementations
 * are immutable after construction.
 */
public interface Dataset {
    /** A name for messages, like {@code "digits.csv (train split)"}. */
    String name();

    /** The number of examples. */
    int size();

    /** The shape of one example's features, like {@code [64]} or {@code [1, 28, 28]} (a copy). */
    int[] exampleShape();

    /** Features per example: the product of {@link #exampleShape()}. */
    default int features() {
        int n = 1;
        for (int d : exampleShape()) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    /**
     * The number of classes when the labels are class indices in {@code [0, classes)}, or 0 when
     * the targets are real values (regression).
     */
    int classes();

    /** Whether the targets are class indices. */
    default boolean isClassification() {
        return classes() > 0;
    }

    /** Float targets per example: 1 for classification (the class index), else the regression width. */
    default int targetWidth() {
        return 1;
    }

    /**
     * The classes' names, index order: what a CSV's target column said, or {@code "0"},
     * {@code "1"}, ... when the data carries none. Empty for regression.
     */
    default List<String> classNames() {
        List<String> names = new ArrayList<>(classes());
        for (int c = 0; c < classes(); c++) {
            names.add(Integer.toString(c));
        }
        return names;
    }

    /** The names of the features, in order ({@code x0}, {@code x1}, ... when the data has none). */
    default List<String> featureNames() {
        List<String> names = new ArrayList<>(features());
        for (int j = 0; j < features(); j++) {
            names.add("x" + j);
        }
        return names;
    }

    /** Copies the raw features of example {@code index}, row-major, into {@code dst[offset ...]}. */
    void copyFeatures(int index, float[] dst, int offset);

    /** The raw features of example {@code index}, row-major, in a new array. */
    default float[] features(int index) {
        float[] row = new float[features()];
        copyFeatures(index, row, 0);
        return row;
    }

    /** The class index of example {@code index}; only for classification. */
    int label(int index);

    /**
     * Copies the {@link #targetWidth()} targets of example {@code index} into {@code dst[offset
     * ...]}; for classification the class index as a float.
     */
    default void copyTarget(int index, float[] dst, int offset) {
        dst[offset] = label(index);
    }

    /** How many examples carry each label (classification). */
    default int[] classCounts() {
        int[] counts = new int[classes()];
        for (int i = 0; i < size(); i++) {
            counts[label(i)]++;
        }
        return counts;
    }

    /**
     * Pairs an IDX image file ({@code count x rows x cols}) with a label file ({@code count}):
     * see {@link ImageDataset#of}.
     */
    static ImageDataset of(String name, IdxArray images, IdxArray labels, int classes) throws IdxFormatException {
        return ImageDataset.of(name, images, labels, classes);
    }
}
