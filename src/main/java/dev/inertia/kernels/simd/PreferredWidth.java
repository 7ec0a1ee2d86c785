package dev.inertia.kernels.simd;

import jdk.incubator.vector.VectorShape;

/** Asks the Vector API for the machine's preferred width; holds no state so it can be asked early. */
public final class PreferredWidth {
    private PreferredWidth() {}

    /** The preferred vector width in bits (64 on machines without useful SIMD). */
    public static int bits() {
        return VectorShape.preferredShape().vectorBitSize();
    }
}
