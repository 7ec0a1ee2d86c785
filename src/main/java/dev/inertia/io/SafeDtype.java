package dev.inertia.io;

import dev.inertia.memory.DType;

/**
 * Element types of the safetensors format, under their names in the file header. Declared in
 * the reference implementation's order, which its writer uses to sort tensors (wider types
 * first) and so does {@link SafeTensors}.
 */
public enum SafeDtype {
    BOOL(1),
    U8(1),
    I8(1),
    F8_E5M2(1),
    F8_E4M3(1),
    I16(2),
    U16(2),
    F16(2),
    BF16(2),
    I32(4),
    U32(4),
    F32(4),
    F64(8),
    I64(8),
    U64(8);

    private final int byteSize;

    SafeDtype(int byteSize) {
        this.byteSize = byteSize;
    }

    /** Bytes per element. */
    public int byteSize() {
        return byteSize;
    }

    /** The safetensors type of a tensor's dtype. */
    public static SafeDtype of(DType dtype) {
        return switch (dtype) {
            case F32 -> F32;
            case F64 -> F64;
            case F16 -> F16;
            case BF16 -> BF16;
        };
    }

    /** The tensor dtype of this safetensors type, or null when {@link DType} has none. */
    public DType toDType() {
        return switch (this) {
            case F32 -> DType.F32;
            case F64 -> DType.F64;
            case F16 -> DType.F16;
            case BF16 -> DType.BF16;
            default -> null;
        };
    }

    /** The type named {@code name} in a header, or null when unknown. */
    static SafeDtype byName(String name) {
        for (SafeDtype t : values()) {
            if (t.name().equals(name)) {
                return t;
            }
        }
        return null;
    }
}
