package dev.inertia.kernels.simd;

import dev.inertia.kernels.Simd;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The species every SIMD kernel uses, fixed once in static finals so that C2 treats them as
 * constants (a species held in an instance field would defeat intrinsification).
 */
public final class Widths {
    /** Float lanes at the chosen width. */
    public static final VectorSpecies<Float> F = VectorSpecies.of(float.class, shape());
    /** Double lanes at the chosen width. */
    public static final VectorSpecies<Double> D = VectorSpecies.of(double.class, shape());

    public Widths() {}

    private static VectorShape shape() {
        int bits = Simd.bits() > 0 ? Simd.bits() : PreferredWidth.bits();
        return VectorShape.forBitSize(bits);
    }

    @Override
    public String toString() {
        return F.toString();
    }
}
