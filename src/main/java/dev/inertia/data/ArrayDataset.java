package dev.inertia.data;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;

/**
 * Examples held in memory: Java arrays (copied) or an F32 memory segment (not copied). Features
 * may have any per-example shape ({@code [d]} rows, {@code [c, h, w]} images with any channel
 * count); targets are class indices ({@link #classification}) or rows of floats
 * ({@link #regression}).
 *
 * <p>The array factories take ownership of a copy of their arguments, so later writes to the
 * caller's arrays do not change the data set. {@link #ofSegment} reads the caller's segment in
 * place. Every factory rejects NaN and infinite features, naming the row and column (0-based),
 * since one such value turns a whole training run into NaNs.
 *
 * <p>{@link #named} and {@link #withFeatureNames} return renamed copies that share the data.
 */
public final class ArrayDataset implements Dataset {
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final String DEFAULT_NAME = "in-memory data";

    private final String name;
    private final int size;
    private final int[] shape;
    private final int features;
    private final int classes;
    private final int targetWidth;
    /** Heap features, or null when {@link #segment} holds them. */
    private final float[] values;
    private final MemorySegment segment;
    private final int[] labels;
    private final float[] targets;
    private final List<String> classNames;
    private final List<String> featureNames;

    private ArrayDataset(String name, int size, int[] shape, int classes, int targetWidth, float[] values,
            MemorySegment segment, int[] labels, float[] targets, List<String> classNames, List<String> featureNames) {
        this.name = name;
        this.size = size;
        this.shape = shape;
        this.features = product(shape);
        this.classes = classes;
        this.targetWidth = targetWidth;
        this.values = values;
        this.segment = segment;
        this.labels = labels;
        this.targets = targets;
        this.classNames = classNames;
        this.featureNames = featureNames;
    }

    /** Rows of features ({@code features[i]} is example {@code i}) with labels in {@code [0, classes)}. */
    public static ArrayDataset classification(float[][] features, int[] labels, int classes) {
        return classification(features, labels, classes, null);
    }

    /**
     * Rows of features with labels in {@code [0, classes)} whose classes are called
     * {@code classNames} (index order; distinct).
     */
    public static ArrayDataset classification(float[][] features, int[] labels, int classes,
            List<String> classNames) {
        Objects.requireNonNull(labels, "labels");
        int width = rowWidth(features, "features");
        requireCount(labels.length, features.length, "labels");
        return owningClassification(flatten(features, width), new int[] {width}, labels, classes, classNames);
    }

    /**
     * Features of any shape per example, row-major in {@code flat} ({@code labels.length} examples
     * of {@code exampleShape}), with labels in {@code [0, classes)}.
     */
    public static ArrayDataset classification(float[] flat, int[] exampleShape, int[] labels, int classes) {
        Objects.requireNonNull(flat, "flat");
        return owningClassification(flat.clone(), exampleShape, labels, classes, null);
    }

    private static ArrayDataset owningClassification(float[] owned, int[] exampleShape, int[] labels, int classes,
            List<String> classNames) {
        int[] shape = checkShape(exampleShape);
        int n = labels.length;
        requireLength(owned.length, (long) n * product(shape), "feature", n, shape);
        requireFinite(owned, product(shape));
        int[] ownedLabels = checkLabels(labels, classes);
        return new ArrayDataset(DEFAULT_NAME, n, shape, classes, 1, owned, null, ownedLabels, null,
                checkClassNames(classNames, classes), null);
    }

    /** Rows of features with rows of regression targets (all rows of {@code targets} equally wide). */
    public static ArrayDataset regression(float[][] features, float[][] targets) {
        int width = rowWidth(features, "features");
        int targetWidth = rowWidth(targets, "targets");
        requireCount(targets.length, features.length, "target rows");
        return owningRegression(flatten(features, width), new int[] {width}, flatten(targets, targetWidth), targetWidth);
    }

    /** Rows of features with one regression target each. */
    public static ArrayDataset regression(float[][] features, float[] targets) {
        Objects.requireNonNull(targets, "targets");
        int width = rowWidth(features, "features");
        requireCount(targets.length, features.length, "targets");
        return owningRegression(flatten(features, width), new int[] {width}, targets.clone(), 1);
    }

    /**
     * Features of any shape per example, row-major in {@code flat}, with {@code targetWidth}
     * regression targets per example in {@code targets} ({@code targets.length / targetWidth}
     * examples).
     */
    public static ArrayDataset regression(float[] flat, int[] exampleShape, float[] targets, int targetWidth) {
        Objects.requireNonNull(flat, "flat");
        Objects.requireNonNull(targets, "targets");
        return owningRegression(flat.clone(), exampleShape, targets.clone(), targetWidth);
    }

    private static ArrayDataset owningRegression(float[] owned, int[] exampleShape, float[] ownedTargets,
            int targetWidth) {
        int[] shape = checkShape(exampleShape);
        if (targetWidth < 1) {
            throw new IllegalArgumentException("target width must be at least 1, not " + targetWidth);
        }
        if (ownedTargets.length % targetWidth != 0) {
            throw new IllegalArgumentException(ownedTargets.length + " targets are not a whole number of rows of "
                    + targetWidth);
        }
        int n = ownedTargets.length / targetWidth;
        requireLength(owned.length, (long) n * product(shape), "feature", n, shape);
        requireFinite(owned, product(shape));
        for (int k = 0; k < ownedTargets.length; k++) {
            if (!Float.isFinite(ownedTargets[k])) {
                throw new IllegalArgumentException("target row " + k / targetWidth + ", column " + k % targetWidth
                        + " is " + ownedTargets[k] + "; targets must be finite");
            }
        }
        return new ArrayDataset(DEFAULT_NAME, n, shape, 0, targetWidth, owned, null, null, ownedTargets, List.of(),
                null);
    }

    /**
     * Features read in place from {@code features}: {@code labels.length} examples of
     * {@code exampleShape}, F32 values in native byte order, row-major, exactly filling the segment.
     * Nothing is copied (the labels are), so the caller must keep the segment alive (its arena
     * open) and unchanged for as long as the data set is used: writes show through, and a closed
     * arena makes reads throw {@link IllegalStateException}. The features are checked for NaN and
     * infinity once, here.
     */
    public static ArrayDataset ofSegment(MemorySegment features, int[] exampleShape, int[] labels, int classes) {
        Objects.requireNonNull(features, "features");
        int[] shape = checkShape(exampleShape);
        int n = labels.length;
        int perExample = product(shape);
        long expected = (long) n * perExample * Float.BYTES;
        if (features.byteSize() != expected) {
            throw new IllegalArgumentException("segment holds " + features.byteSize() + " bytes but " + n
                    + " examples of shape " + Arrays.toString(shape) + " need " + expected + " (F32)");
        }
        for (long k = 0; k < (long) n * perExample; k++) {
            float v = features.getAtIndex(FLOAT, k);
            if (!Float.isFinite(v)) {
                throw nonFinite(k / perExample, k % perExample, v);
            }
        }
        int[] ownedLabels = checkLabels(labels, classes);
        return new ArrayDataset(DEFAULT_NAME, n, shape, classes, 1, null, features, ownedLabels, null,
                checkClassNames(null, classes), null);
    }

    /** This data set called {@code name} (in messages and split names). */
    public ArrayDataset named(String name) {
        Objects.requireNonNull(name, "name");
        return new ArrayDataset(name, size, shape, classes, targetWidth, values, segment, labels, targets,
                classNames, featureNames);
    }

    /** This data set with named features: {@link #features()} distinct names, in order. */
    public ArrayDataset withFeatureNames(List<String> names) {
        List<String> copy = List.copyOf(names);
        if (copy.size() != features) {
            throw new IllegalArgumentException(copy.size() + " feature names for " + features + " features");
        }
        if (new HashSet<>(copy).size() != copy.size()) {
            throw new IllegalArgumentException("feature names repeat: " + copy);
        }
        return new ArrayDataset(name, size, shape, classes, targetWidth, values, segment, labels, targets,
                classNames, copy);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public int[] exampleShape() {
        return shape.clone();
    }

    @Override
    public int features() {
        return features;
    }

    @Override
    public int classes() {
        return classes;
    }

    @Override
    public int targetWidth() {
        return targetWidth;
    }

    @Override
    public List<String> classNames() {
        return classNames;
    }

    @Override
    public List<String> featureNames() {
        return featureNames != null ? featureNames : Dataset.super.featureNames();
    }

    @Override
    public void copyFeatures(int index, float[] dst, int offset) {
        Objects.checkIndex(index, size);
        Objects.checkFromIndexSize(offset, features, dst.length);
        if (values != null) {
            System.arraycopy(values, index * features, dst, offset, features);
        } else {
            MemorySegment.copy(segment, FLOAT, (long) index * features * Float.BYTES, dst, offset, features);
        }
    }

    @Override
    public int label(int index) {
        if (labels == null) {
            throw new IllegalStateException(name + " holds regression targets, not class labels");
        }
        return labels[Objects.checkIndex(index, size)];
    }

    @Override
    public void copyTarget(int index, float[] dst, int offset) {
        if (labels != null) {
            dst[offset] = label(index);
        } else {
            Objects.checkIndex(index, size);
            System.arraycopy(targets, index * targetWidth, dst, offset, targetWidth);
        }
    }

    @Override
    public String toString() {
        return name + " (" + size + " examples of " + Arrays.toString(shape) + ", "
                + (classes > 0 ? classes + " classes" : "regression, " + targetWidth + " targets") + ")";
    }

    private static int rowWidth(float[][] rows, String what) {
        Objects.requireNonNull(rows, what);
        if (rows.length == 0) {
            throw new IllegalArgumentException(what + " has no rows: the row width (and so the shape) is unknown");
        }
        int width = -1;
        for (int i = 0; i < rows.length; i++) {
            if (rows[i] == null) {
                throw new IllegalArgumentException(what + " row " + i + " is null");
            }
            if (width < 0) {
                width = rows[i].length;
            } else if (rows[i].length != width) {
                throw new IllegalArgumentException(what + " row " + i + " has " + rows[i].length
                        + " values but row 0 has " + width);
            }
        }
        if (width == 0) {
            throw new IllegalArgumentException(what + " rows are empty");
        }
        return width;
    }

    private static float[] flatten(float[][] rows, int width) {
        float[] flat = new float[Math.multiplyExact(rows.length, width)];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(rows[i], 0, flat, i * width, width);
        }
        return flat;
    }

    private static void requireCount(int got, int rows, String what) {
        if (got != rows) {
            throw new IllegalArgumentException(got + " " + what + " for " + rows + " feature rows");
        }
    }

    private static void requireLength(int got, long expected, String what, int n, int[] shape) {
        if (got != expected) {
            throw new IllegalArgumentException(got + " " + what + " values but " + n + " examples of shape "
                    + Arrays.toString(shape) + " need " + expected);
        }
    }

    private static int[] checkShape(int[] exampleShape) {
        Objects.requireNonNull(exampleShape, "exampleShape");
        if (exampleShape.length == 0) {
            throw new IllegalArgumentException("example shape needs at least one dimension");
        }
        for (int d : exampleShape) {
            if (d < 1) {
                throw new IllegalArgumentException("example shape " + Arrays.toString(exampleShape)
                        + " has a dimension below 1");
            }
        }
        product(exampleShape); // overflow check
        return exampleShape.clone();
    }

    private static int product(int[] shape) {
        int n = 1;
        for (int d : shape) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    private static void requireFinite(float[] values, int perExample) {
        for (int k = 0; k < values.length; k++) {
            if (!Float.isFinite(values[k])) {
                throw nonFinite(k / perExample, k % perExample, values[k]);
            }
        }
    }

    private static IllegalArgumentException nonFinite(long row, long column, float value) {
        return new IllegalArgumentException("feature row " + row + ", column " + column + " is " + value
                + "; features must be finite");
    }

    private static int[] checkLabels(int[] labels, int classes) {
        Objects.requireNonNull(labels, "labels");
        if (classes < 1) {
            throw new IllegalArgumentException("classification needs at least 1 class, not " + classes);
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= classes) {
                throw new IllegalArgumentException("label " + i + " is " + labels[i] + ", outside 0.." + (classes - 1));
            }
        }
        return labels.clone();
    }

    private static List<String> checkClassNames(List<String> names, int classes) {
        if (names == null) {
            String[] numbers = new String[classes];
            for (int c = 0; c < classes; c++) {
                numbers[c] = Integer.toString(c);
            }
            return List.of(numbers);
        }
        List<String> copy = List.copyOf(names);
        if (copy.size() != classes) {
            throw new IllegalArgumentException(copy.size() + " class names for " + classes + " classes");
        }
        if (new HashSet<>(copy).size() != copy.size()) {
            throw new IllegalArgumentException("class names repeat: " + copy);
        }
        return copy;
    }
}
