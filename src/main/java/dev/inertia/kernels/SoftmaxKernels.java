package dev.inertia.kernels;

import java.lang.foreign.MemorySegment;

/**
 * Fused softmax cross-entropy over the rows of {@code logits [rows, classes]} with integer class
 * labels (a segment of 32-bit ints). Numerically stable: each row is shifted by its maximum
 * before exponentiation, and the loss is computed as {@code logsumexp - logit[label]}.
 */
public interface SoftmaxKernels {
    /**
     * Writes the softmax of every row into {@code probs} and returns the sum over rows of
     * {@code -log softmax(row)[label]}. A label outside {@code [0, classes)} is an
     * {@link IllegalArgumentException}.
     */
    float softmaxCrossEntropyF32(MemorySegment logits, long logitsOff, MemorySegment labels, long labelsOff,
            MemorySegment probs, long probsOff, int rows, int classes);

    double softmaxCrossEntropyF64(MemorySegment logits, long logitsOff, MemorySegment labels, long labelsOff,
            MemorySegment probs, long probsOff, int rows, int classes);

    /** dx = scale * (probs - onehot(label)): the gradient of {@code scale ×} the summed loss */
    void softmaxCrossEntropyBackwardF32(MemorySegment probs, long probsOff, MemorySegment labels, long labelsOff,
            float scale, MemorySegment dx, long dxOff, int rows, int classes);

    void softmaxCrossEntropyBackwardF64(MemorySegment probs, long probsOff, MemorySegment labels, long labelsOff,
            double scale, MemorySegment dx, long dxOff, int rows, int classes);

    /** The directional derivative of the summed loss along {@code t}: sum over rows of probs·t - t[label] */
    float softmaxCrossEntropyTangentF32(MemorySegment probs, long probsOff, MemorySegment labels, long labelsOff,
            MemorySegment t, long tOff, int rows, int classes);

    double softmaxCrossEntropyTangentF64(MemorySegment probs, long probsOff, MemorySegment labels, long labelsOff,
            MemorySegment t, long tOff, int rows, int classes);
}
