package dev.inertia.kernels;

import java.lang.foreign.MemorySegment;

/**
 * The nonsmooth activations and their conservative derivatives.
 *
 * <p>Each backward kernel computes {@code dx[i] = dy[i] * d(x[i])}: it multiplies the incoming
 * gradient by one element of the activation's conservative gradient at {@code x[i]}. Where
 * {@code x[i]} sits exactly on a kink the element is the caller's choice, passed as a parameter
 * ({@code atZero}, {@code atLow}, {@code atHigh}): that is where ReLU'(0) = s is decided.
 * {@code dx} may be the same memory as {@code dy}.
 *
 * <p>{@code kinks}, when not null, is a counter of at least two longs: {@code kinks[0]} grows
 * by the number of inputs exactly on a kink, {@code kinks[1]} by those of them whose incoming
 * gradient is nonzero (the ones where the choice changed the result).
 */
public interface ActivationKernels {
    /** Index in a kink counter: inputs exactly on a kink. */
    int KINK_HITS = 0;
    /** Index in a kink counter: kink inputs whose incoming gradient was nonzero. */
    int KINK_HITS_NONZERO_GRAD = 1;

    /** out = max(x, 0), NaN propagating. */
    void reluF32(MemorySegment x, long xOff, MemorySegment out, long outOff, int n);

    void reluF64(MemorySegment x, long xOff, MemorySegment out, long outOff, int n);

    /** dx = dy * (x > 0 ? 1 : x == 0 ? atZero : 0) */
    void reluBackwardF32(MemorySegment x, long xOff, MemorySegment dy, long dyOff, MemorySegment dx, long dxOff,
            int n, float atZero, long[] kinks);

    void reluBackwardF64(MemorySegment x, long xOff, MemorySegment dy, long dyOff, MemorySegment dx, long dxOff,
            int n, double atZero, long[] kinks);

    /** out = x > 0 ? x : slope * x */
    void leakyReluF32(MemorySegment x, long xOff, MemorySegment out, long outOff, int n, float slope);

    void leakyReluF64(MemorySegment x, long xOff, MemorySegment out, long outOff, int n, double slope);

    /** dx = dy * (x > 0 ? 1 : x == 0 ? atZero : slope) */
    void leakyReluBackwardF32(MemorySegment x, long xOff, MemorySegment dy, long dyOff, MemorySegment dx,
            long dxOff, int n, float slope, float atZero, long[] kinks);

    void leakyReluBackwardF64(MemorySegment x, long xOff, MemorySegment dy, long dyOff, MemorySegment dx,
            long dxOff, int n, double slope, double atZero, long[] kinks);

    /** out = min(max(x, lo), hi), NaN propagating; relu6 is clamp(0, 6), hardtanh clamp(-1, 1). */
    void clampF32(MemorySegment x, long xOff, MemorySegment out, long outOff, int n, float lo, float hi);

    void clampF64(MemorySegment x, long xOff, MemorySegment out, long outOff, int n, double lo, double hi);

    /** {@code dx = dy * (lo < x < hi ? 1 : x == lo ? atLow : x == hi ? atHigh : 0)} */
    void clampBackwardF32(MemorySegment x, long xOff, MemorySegment dy, long dyOff, MemorySegment dx, long dxOff,
            int n, float lo, float hi, float atLow, float atHigh, long[] kinks);

    void clampBackwardF64(MemorySegment x, long xOff, MemorySegment dy, long dyOff, MemorySegment dx, long dxOff,
            int n, double lo, double hi, double atLow, double atHigh, long[] kinks);

    /** out = |x| */
    void absF32(MemorySegment x, long xOff, MemorySegment out, long outOff, int n);

    void absF64(MemorySegment x, long xOff, MemorySegment out, long outOff, int n);

    /** {@code dx = dy * (x > 0 ? 1 : x < 0 ? -1 : atZero)} */
    void absBackwardF32(MemorySegment x, long xOff, MemorySegment dy, long dyOff, MemorySegment dx, long dxOff,
            int n, float atZero, long[] kinks);

    void absBackwardF64(MemorySegment x, long xOff, MemorySegment dy, long dyOff, MemorySegment dx, long dxOff,
            int n, double atZero, long[] kinks);
}
