package dev.inertia.data;

import java.util.List;
import java.util.Objects;

/**
 * Some examples of another data set, in the order of an index array: a train, validation or
 * test split ({@link Splits}), a fold, a bootstrap sample (indices may repeat). Reads go to the
 * underlying data set; nothing is copied but the indices. Class count, shape, class and feature
 * names are the underlying data set's.
 */
public final class Subset implements Dataset {
    private final Dataset base;
    private final int[] indices;
    private final String name;

    private Subset(Dataset base, int[] indices, String name) {
        this.base = base;
        this.indices = indices;
        this.name = name;
    }

    /**
     * The examples {@code indices} (each in {@code [0, base.size())}) of {@code base}, named
     * {@code "<base name> (<part>)"}, like {@code "digits.csv (train split)"}.
     */
    public static Subset of(Dataset base, int[] indices, String part) {
        Objects.requireNonNull(base, "base");
        Objects.requireNonNull(part, "part");
        int[] copy = indices.clone();
        for (int i = 0; i < copy.length; i++) {
            if (copy[i] < 0 || copy[i] >= base.size()) {
                throw new IllegalArgumentException("subset index " + i + " is " + copy[i] + ", outside 0.."
                        + (base.size() - 1) + " of " + base.name());
            }
        }
        return new Subset(base, copy, base.name() + " (" + part + ")");
    }

    /** The data set this is a view of. */
    public Dataset base() {
        return base;
    }

    /** The index in {@link #base()} of each example of this subset (a copy). */
    public int[] indices() {
        return indices.clone();
    }

    /** The index in {@link #base()} of example {@code index}. */
    public int baseIndex(int index) {
        return indices[Objects.checkIndex(index, indices.length)];
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int size() {
        return indices.length;
    }

    @Override
    public int[] exampleShape() {
        return base.exampleShape();
    }

    @Override
    public int features() {
        return base.features();
    }

    @Override
    public int classes() {
        return base.classes();
    }

    @Override
    public int targetWidth() {
        return base.targetWidth();
    }

    @Override
    public List<String> classNames() {
        return base.classNames();
    }

    @Override
    public List<String> featureNames() {
        return base.featureNames();
    }

    @Override
    public void copyFeatures(int index, float[] dst, int offset) {
        base.copyFeatures(baseIndex(index), dst, offset);
    }

    @Override
    public int label(int index) {
        return base.label(baseIndex(index));
    }

    @Override
    public void copyTarget(int index, float[] dst, int offset) {
        base.copyTarget(baseIndex(index), dst, offset);
    }

    @Override
    public String toString() {
        return name + " (" + indices.length + " of " + base.size() + " examples)";
    }
}
