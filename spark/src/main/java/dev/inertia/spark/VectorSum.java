package dev.inertia.spark;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@code acc += x} over float arrays with the Vector API: the aggregation's inner loop. Loaded
 * only when the vector module is readable ({@link Sums}); works on heap arrays so that the
 * library's kernels, which see native memory, keep their type profiles.
 */
final class VectorSum {
    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;

    private VectorSum() {
    }

    static void addInto(float[] acc, float[] x) {
        int n = acc.length, i = 0;
        for (int bound = SPECIES.loopBound(n); i < bound; i += SPECIES.length()) {
            FloatVector.fromArray(SPECIES, acc, i).add(FloatVector.fromArray(SPECIES, x, i)).intoArray(acc, i);
        }
        for (; i < n; i++) {
            acc[i] += x[i];
        }
    }

    static void scale(float[] acc, float factor) {
        int n = acc.length, i = 0;
        for (int bound = SPECIES.loopBound(n); i < bound; i += SPECIES.length()) {
            FloatVector.fromArray(SPECIES, acc, i).mul(factor).intoArray(acc, i);
        }
        for (; i < n; i++) {
            acc[i] *= factor;
        }
    }
}
