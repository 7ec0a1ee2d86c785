package dev.inertia.kernels;

import java.lang.foreign.MemorySegment;

/**
 * Elementwise arithmetic on F32 and F64 data in memory segments. Offsets and lengths count
 * elements, not bytes. An output may be the same memory as an input at the same offset.
 */
public interface ElementwiseKernels {
    /** out[i] = a[i] + b[i] */
    void addF32(MemorySegment a, long aOff, MemorySegment b, long bOff, MemorySegment out, long outOff, int n);

    void addF64(MemorySegment a, long aOff, MemorySegment b, long bOff, MemorySegment out, long outOff, int n);

    /** out[i] = a[i] - b[i] */
    void subF32(MemorySegment a, long aOff, MemorySegment b, long bOff, MemorySegment out, long outOff, int n);

    void subF64(MemorySegment a, long aOff, MemorySegment b, long bOff, MemorySegment out, long outOff, int n);

    /** out[i] = a[i] * b[i] */
    void mulF32(MemorySegment a, long aOff, MemorySegment b, long bOff, MemorySegment out, long outOff, int n);

    void mulF64(MemorySegment a, long aOff, MemorySegment b, long bOff, MemorySegment out, long outOff, int n);

    /** out[i] = alpha * x[i] */
    void scaleF32(float alpha, MemorySegment x, long xOff, MemorySegment out, long outOff, int n);

    void scaleF64(double alpha, MemorySegment x, long xOff, MemorySegment out, long outOff, int n);

    /** y[i] += alpha * x[i], rounded once per element (fused multiply-add) */
    void axpyF32(float alpha, MemorySegment x, long xOff, MemorySegment y, long yOff, int n);

    void axpyF64(double alpha, MemorySegment x, long xOff, MemorySegment y, long yOff, int n);

    /** out[i] = value */
    void fillF32(float value, MemorySegment out, long outOff, int n);

    void fillF64(double value, MemorySegment out, long outOff, int n);

    /** dst[i] = src[i]; the ranges may overlap */
    void copyF32(MemorySegment src, long srcOff, MemorySegment dst, long dstOff, int n);

    void copyF64(MemorySegment src, long srcOff, MemorySegment dst, long dstOff, int n);
}
