package dev.inertia.memory;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.Objects;

/**
 * A dense, row-major array of numbers in a {@link MemorySegment}: a dtype, a shape and the
 * memory. Tensors allocated by a {@link Scope} are off-heap and 64-byte aligned; {@code wrap}
 * makes views over memory the caller owns (another segment, or a Java array).
 *
 * <p>A tensor is a thin handle: kernels work on {@link #segment()} directly.
 */
public final class Tensor {
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final ValueLayout.OfDouble F64 = ValueLayout.JAVA_DOUBLE_UNALIGNED;
    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED;

    private final MemorySegment segment;
    private final DType dtype;
    private final int[] shape;
    private final long size;

    private Tensor(MemorySegment segment, DType dtype, int[] shape, long size) {
        this.segment = segment;
        this.dtype = dtype;
        this.shape = shape;
        this.size = size;
    }

    // ---- creation ------------------------------------------------------------------------

    /** A zero-filled tensor of the given dtype and shape (no dimensions: a scalar). */
    public static Tensor zeros(Scope scope, DType dtype, int... shape) {
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(dtype, "dtype");
        int[] dims = checkedShape(shape);
        long size = sizeOf(dims);
        return new Tensor(scope.allocate(byteSize(size, dtype)), dtype, dims, size);
    }

    /** An F64 tensor holding a copy of {@code data}; the shape defaults to {@code [data.length]}. */
    public static Tensor of(Scope scope, double[] data, int... shape) {
        Objects.requireNonNull(data, "data");
        return copyOf(scope, DType.F64, MemorySegment.ofArray(data), data.length, shape);
    }

    /** An F32 tensor holding a copy of {@code data}; the shape defaults to {@code [data.length]}. */
    public static Tensor of(Scope scope, float[] data, int... shape) {
        Objects.requireNonNull(data, "data");
        return copyOf(scope, DType.F32, MemorySegment.ofArray(data), data.length, shape);
    }

    /** A new tensor holding a copy of the {@code length} elements of an array's segment. */
    private static Tensor copyOf(Scope scope, DType dtype, MemorySegment data, int length, int[] shape) {
        int[] dims = shape.length == 0 ? new int[] {length} : shape;
        Tensor t = zeros(scope, dtype, dims);
        requireLength(length, t.size, dims);
        MemorySegment.copy(data, 0, t.segment, 0, byteSize(length, dtype));
        return t;
    }

    /** A view over memory the caller owns, which must hold at least the shape's bytes. */
    public static Tensor wrap(MemorySegment segment, DType dtype, int... shape) {
        Objects.requireNonNull(segment, "segment");
        Objects.requireNonNull(dtype, "dtype");
        int[] dims = checkedShape(shape);
        long size = sizeOf(dims);
        long bytes = byteSize(size, dtype);
        if (segment.byteSize() < bytes) {
            throw new IllegalArgumentException("segment of " + segment.byteSize() + " bytes is too small for "
                    + dtype + Arrays.toString(dims) + " (" + bytes + " bytes)");
        }
        return new Tensor(segment.asSlice(0, bytes), dtype, dims, size);
    }

    /** An F32 view over a Java array (no copy); the shape defaults to {@code [data.length]}. */
    public static Tensor wrap(float[] data, int... shape) {
        return arrayView(MemorySegment.ofArray(data), DType.F32, data.length, shape);
    }

    /** An F64 view over a Java array (no copy); the shape defaults to {@code [data.length]}. */
    public static Tensor wrap(double[] data, int... shape) {
        return arrayView(MemorySegment.ofArray(data), DType.F64, data.length, shape);
    }

    /** A view over an array's segment of {@code length} elements, which the shape must match. */
    private static Tensor arrayView(MemorySegment data, DType dtype, int length, int[] shape) {
        int[] dims = shape.length == 0 ? new int[] {length} : shape;
        requireLength(length, sizeOf(checkedShape(dims)), dims);
        return wrap(data, dtype, dims);
    }

    /** The same memory seen with another shape of the same number of elements. */
    public Tensor reshape(int... newShape) {
        int[] dims = checkedShape(newShape);
        long newSize = sizeOf(dims);
        if (newSize != size) {
            throw new IllegalArgumentException("cannot reshape " + Arrays.toString(shape) + " (" + size
                    + " elements) to " + Arrays.toString(dims) + " (" + newSize + " elements)");
        }
        return new Tensor(segment, dtype, dims, size);
    }

    // ---- description ---------------------------------------------------------------------

    public DType dtype() {
        return dtype;
    }

    /** A copy of the shape. */
    public int[] shape() {
        return shape.clone();
    }

    public int rank() {
        return shape.length;
    }

    public int dim(int axis) {
        return shape[axis];
    }

    /** The number of elements. */
    public long size() {
        return size;
    }

    /** The tensor's memory; a kernel's offsets into it count elements of {@link #dtype()}. */
    public MemorySegment segment() {
        ensureAlive();
        return segment;
    }

    /** Whether the memory is still there (false once its scope closed). */
    public boolean isAlive() {
        return segment.scope().isAlive();
    }

    // ---- element access ------------------------------------------------------------------

    /** The element at a flat row-major index, widened to double. */
    public double getDouble(long index) {
        checkIndex(index);
        return switch (dtype) {
            case F64 -> segment.getAtIndex(F64, index);
            case F32 -> segment.getAtIndex(F32, index);
            case F16 -> Float.float16ToFloat(segment.getAtIndex(U16, index));
            case BF16 -> Float.intBitsToFloat(segment.getAtIndex(U16, index) << 16);
        };
    }

    /** Sets the element at a flat row-major index, rounding to the dtype to nearest-even. */
    public void setDouble(long index, double value) {
        checkIndex(index);
        switch (dtype) {
            case F64 -> segment.setAtIndex(F64, index, value);
            case F32 -> segment.setAtIndex(F32, index, (float) value);
            case F16 -> segment.setAtIndex(U16, index, Float.floatToFloat16((float) value));
            case BF16 -> segment.setAtIndex(U16, index, bf16Bits((float) value));
        }
    }

    /** A copy of all elements as doubles. */
    public double[] toDoubleArray() {
        ensureAlive();
        double[] out = new double[toArrayLength()];
        copyTo(MemorySegment.ofArray(out), DType.F64, out.length);
        return out;
    }

    /** A copy of all elements as floats (F64 values are rounded to nearest). */
    public float[] toFloatArray() {
        ensureAlive();
        float[] out = new float[toArrayLength()];
        copyTo(MemorySegment.ofArray(out), DType.F32, out.length);
        return out;
    }

    /** Copies the first {@code n} elements into {@code out} as {@code type} (F32 or F64): rounded, or as they are. */
    private void copyTo(MemorySegment out, DType type, int n) {
        if (dtype == type) {
            MemorySegment.copy(segment, 0, out, 0, byteSize(n, type));
        } else if (type == DType.F64) {
            for (int i = 0; i < n; i++) {
                out.setAtIndex(F64, i, getDouble(i));
            }
        } else {
            for (int i = 0; i < n; i++) {
                out.setAtIndex(F32, i, (float) getDouble(i));
            }
        }
    }

    /** Copies all elements of {@code src}, which must have the same dtype and size. */
    public void copyFrom(Tensor src) {
        if (src.dtype != dtype || src.size != size) {
            throw new IllegalArgumentException("cannot copy " + src.describe() + " into " + describe());
        }
        MemorySegment.copy(src.segment(), 0, segment(), 0, byteSize(size, dtype));
    }

    /** Checks that {@code other} has this tensor's dtype and shape; names both when not. */
    public void requireSameLayout(Tensor other, String what) {
        if (other.dtype != dtype || !Arrays.equals(other.shape, shape)) {
            throw new IllegalArgumentException(what + ": expected " + describe() + " but got " + other.describe());
        }
    }

    /** Like {@code F32[784, 1024]}. */
    public String describe() {
        return dtype + Arrays.toString(shape);
    }

    @Override
    public String toString() {
        if (!isAlive()) {
            return "Tensor " + describe() + " (freed)";
        }
        StringBuilder sb = new StringBuilder("Tensor ").append(describe()).append(" [");
        long shown = Math.min(size, 8);
        for (long i = 0; i < shown; i++) {
            sb.append(i == 0 ? "" : ", ").append(getDouble(i));
        }
        return sb.append(size > shown ? ", ...]" : "]").toString();
    }

    // ---- helpers -------------------------------------------------------------------------

    /** Round-to-nearest-even float to bfloat16 bits; NaN stays a quiet NaN. */
    static short bf16Bits(float value) {
        int bits = Float.floatToRawIntBits(value);
        if (Float.isNaN(value)) {
            return (short) ((bits >>> 16) | 0x40);
        }
        int rounding = 0x7FFF + ((bits >>> 16) & 1);
        return (short) ((bits + rounding) >>> 16);
    }

    private void ensureAlive() {
        if (!isAlive()) {
            throw new IllegalStateException("tensor " + describe() + " was freed: its scope is closed");
        }
    }

    private void checkIndex(long index) {
        ensureAlive();
        Objects.checkIndex(index, size);
    }

    private int toArrayLength() {
        if (size > Integer.MAX_VALUE - 8) {
            throw new IllegalStateException(describe() + " has too many elements for a Java array");
        }
        return (int) size;
    }

    private static int[] checkedShape(int[] shape) {
        Objects.requireNonNull(shape, "shape");
        for (int d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
            }
        }
        return shape.clone();
    }

    private static long sizeOf(int[] dims) {
        long size = 1;
        for (int d : dims) {
            try {
                size = Math.multiplyExact(size, d);
            } catch (ArithmeticException e) {
                throw new IllegalArgumentException("shape " + Arrays.toString(dims) + " has too many elements");
            }
        }
        return size;
    }

    private static long byteSize(long size, DType dtype) {
        try {
            return Math.multiplyExact(size, dtype.byteSize());
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException(size + " elements of " + dtype + " overflow a byte count");
        }
    }

    private static void requireLength(int length, long size, int[] dims) {
        if (length != size) {
            throw new IllegalArgumentException(length + " values do not fill shape " + Arrays.toString(dims)
                    + " (" + size + " elements)");
        }
    }
}
