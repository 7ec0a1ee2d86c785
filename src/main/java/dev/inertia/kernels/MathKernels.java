package dev.inertia.kernels;

import java.lang.foreign.MemorySegment;

/**
 * Smooth elementwise math and its derivatives, plus the elementwise maximum of two arrays with
 * its conservative derivative at ties. Offsets and lengths count elements; an output may be
 * the same memory as an input at the same offset.
 *
 * <p>The derivative kernels take the forward output {@code y} where the derivative is cheapest
 * from it (exp, sqrt, tanh, sigmoid), and compute {@code dx[i] = dy[i] * f'(x[i])}; they serve
 * both reverse mode (dy an incoming gradient) and forward mode (dy a tangent).
 */
public interface MathKernels {
    /** out = exp(x) */
    void expF32(MemorySegment x, long xOff, MemorySegment out, long outOff, int n);

    void expF64(MemorySegment x, long xOff, MemorySegment out, long outOff, int n);

    /** out = log(x) */
    void logF32(MemorySegment x, long xOff, MemorySegment out, long outOff, int n);

    void logF64(MemorySegment x, long xOff, MemorySegment out, long outOff, int n);

    /** out = sqrt(x) */
    void sqrtF32(MemorySegment x, long xOff, MemorySegment out, long outOff, int n);

    void sqrtF64(MemorySegment x, long xOff, MemorySegment out, long outOff, int n);

    /** out = tanh(x) */
    void tanhF32(MemorySegment x, long xOff, MemorySegment out, long outOff, int n);

    void tanhF64(MemorySegment x, long xOff, MemorySegment out, long outOff, int n);

    /** out = 1 / (1 + exp(-x)), computed without overflow for large |x| */
    void sigmoidF32(MemorySegment x, long xOff, MemorySegment out, long outOff, int n);

    void sigmoidF64(MemorySegment x, long xOff, MemorySegment out, long outOff, int n);

    /** out = a / b */
    void divF32(MemorySegment a, long aOff, MemorySegment b, long bOff, MemorySegment out, long outOff, int n);

    void divF64(MemorySegment a, long aOff, MemorySegment b, long bOff, MemorySegment out, long outOff, int n);

    /** dx = dy * 0.5 / y, where y = sqrt(x) */
    void sqrtBackwardF32(MemorySegment y, long yOff, MemorySegment dy, long dyOff, MemorySegment dx, long dxOff, int n);

    void sqrtBackwardF64(MemorySegment y, long yOff, MemorySegment dy, long dyOff, MemorySegment dx, long dxOff, int n);

    /** dx = dy * (1 - y * y), where y = tanh(x) */
    void tanhBackwardF32(MemorySegment y, long yOff, MemorySegment dy, long dyOff, MemorySegment dx, long dxOff, int n);

    void tanhBackwardF64(MemorySegment y, long yOff, MemorySegment dy, long dyOff, MemorySegment dx, long dxOff, int n);

    /** dx = dy * y * (1 - y), where y = sigmoid(x) */
    void sigmoidBackwardF32(MemorySegment y, long yOff, MemorySegment dy, long dyOff, MemorySegment dx, long dxOff,
            int n);

    void sigmoidBackwardF64(MemorySegment y, long yOff, MemorySegment dy, long dyOff, MemorySegment dx, long dxOff,
            int n);

    /** db = -dy * y / b, where y = a / b: the derivative of a quotient with respect to its divisor */
    void divisorBackwardF32(MemorySegment y, long yOff, MemorySegment b, long bOff, MemorySegment dy, long dyOff,
            MemorySegment db, long dbOff, int n);

    void divisorBackwardF64(MemorySegment y, long yOff, MemorySegment b, long bOff, MemorySegment dy, long dyOff,
            MemorySegment db, long dbOff, int n);

    /** out = max(a, b), NaN propagating */
    void maxF32(MemorySegment a, long aOff, MemorySegment b, long bOff, MemorySegment out, long outOff, int n);

    void maxF64(MemorySegment a, long aOff, MemorySegment b, long bOff, MemorySegment out, long outOff, int n);

    /**
     * The conservative derivative of {@code max(a, b)} applied to {@code dy}: the larger argument
     * gets {@code dy}, the other 0; at a tie ({@code a == b}) the first gets {@code tieFirst * dy}
     * and the second {@code (1 - tieFirst) * dy}. Either {@code da} or {@code db} may be null (not
     * wanted). Forward mode uses {@link #maxTangentF64} with the same weights.
     * Ties are counted in {@code kinks} like the activation kernels do.
     */
    void maxBackwardF32(MemorySegment a, long aOff, MemorySegment b, long bOff, MemorySegment dy, long dyOff,
            MemorySegment da, long daOff, MemorySegment db, long dbOff, int n, float tieFirst, long[] kinks);

    void maxBackwardF64(MemorySegment a, long aOff, MemorySegment b, long bOff, MemorySegment dy, long dyOff,
            MemorySegment da, long daOff, MemorySegment db, long dbOff, int n, double tieFirst, long[] kinks);

    /**
     * The tangent of {@code max(a, b)}: {@code t = wa * ta + wb * tb} with the weights of
     * {@link #maxBackwardF64}; a null {@code ta} or {@code tb} is a zero tangent.
     */
    void maxTangentF32(MemorySegment a, long aOff, MemorySegment b, long bOff, MemorySegment ta, long taOff,
            MemorySegment tb, long tbOff, MemorySegment t, long tOff, int n, float tieFirst, long[] kinks);

    void maxTangentF64(MemorySegment a, long aOff, MemorySegment b, long bOff, MemorySegment ta, long taOff,
            MemorySegment tb, long tbOff, MemorySegment t, long tOff, int n, double tieFirst, long[] kinks);
}
