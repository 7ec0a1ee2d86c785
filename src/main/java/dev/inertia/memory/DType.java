package dev.inertia.memory;

/**
 * Element types of a {@link Tensor}. F32 and F64 are computed on directly; BF16 and F16 are
 * storage formats whose values the numerics layer emulates (two bytes per element).
 */
public enum DType {
    F32(4),
    F64(8),
    BF16(2),
    F16(2);

    private final int byteSize;

    DType(int byteSize) {
        this.byteSize = byteSize;
    }

    /** Bytes per element. */
    public int byteSize() {
        return byteSize;
    }
}
