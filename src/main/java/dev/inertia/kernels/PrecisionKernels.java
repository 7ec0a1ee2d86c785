package dev.inertia.kernels;

import java.lang.foreign.MemorySegment;

/**
 * Rounding to lower precisions, for emulating fp16, bf16 and fp32 arithmetic: each kernel
 * rounds every value to the nearest value of the narrower format (ties to even) and stores it
 * back in the wider format. As hardware does, fp16 overflow gives ±infinity, small values
 * become fp16 subnormals or ±0, and NaN stays NaN. {@code out} may be {@code x}.
 */
public interface PrecisionKernels {
    /** out = the F32 value of the nearest IEEE binary16 (fp16) value to x. */
    void roundF16F32(MemorySegment x, long xOff, MemorySegment out, long outOff, int n);

    /** out = the F32 value of the nearest bfloat16 value to x. */
    void roundBf16F32(MemorySegment x, long xOff, MemorySegment out, long outOff, int n);

    /** out = the F64 value of the nearest binary32 (fp32) value to x. */
    void roundF32F64(MemorySegment x, long xOff, MemorySegment out, long outOff, int n);

    /** The nearest bfloat16 to {@code x}, as float: the scalar definition shared by every path. */
    static float roundBf16(float x) {
        if (Float.isNaN(x)) {
            return x;
        }
        int bits = Float.floatToRawIntBits(x);
        bits += 0x7FFF + ((bits >>> 16) & 1);
        return Float.intBitsToFloat(bits & 0xFFFF0000);
    }

    /** The nearest fp16 to {@code x}, as float (the JDK's own conversion, ties to even). */
    static float roundF16(float x) {
        return Float.float16ToFloat(Float.floatToFloat16(x));
    }
}
