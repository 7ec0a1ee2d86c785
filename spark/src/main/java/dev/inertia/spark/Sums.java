package dev.inertia.spark;

/**
 * Element-wise sums and scaling of the flat state vectors: {@link VectorSum} when the JVM can
 * read {@code jdk.incubator.vector}, else plain loops (the driver of a cluster whose executors
 * have the module may lack it; the results are the same bits either way: one IEEE add or
 * multiply per element).
 */
final class Sums {
    static final boolean VECTOR = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();

    private Sums() {
    }

    /** {@code acc += x}. */
    static void addInto(float[] acc, float[] x) {
        if (acc.length != x.length) {
            throw new IllegalArgumentException("summing vectors of " + acc.length + " and " + x.length + " floats");
        }
        if (VECTOR) {
            VectorSum.addInto(acc, x);
        } else {
            for (int i = 0; i < acc.length; i++) {
                acc[i] += x[i];
            }
        }
    }

    /** {@code acc *= factor}. */
    static void scale(float[] acc, float factor) {
        if (VECTOR) {
            VectorSum.scale(acc, factor);
        } else {
            for (int i = 0; i < acc.length; i++) {
                acc[i] *= factor;
            }
        }
    }
}
