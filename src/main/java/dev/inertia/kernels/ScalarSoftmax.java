package dev.inertia.kernels;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** The scalar twin of the fused softmax cross-entropy. */
final class ScalarSoftmax implements SoftmaxKernels {
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final ValueLayout.OfDouble D = ValueLayout.JAVA_DOUBLE_UNALIGNED;
    private static final ValueLayout.OfInt I = ValueLayout.JAVA_INT_UNALIGNED;

    @Override
    public float softmaxCrossEntropyF32(MemorySegment logits, long logitsOff, MemorySegment labels, long labelsOff,
            MemorySegment probs, long probsOff, int rows, int classes) {
        float loss = 0;
        for (int r = 0; r < rows; r++) {
            long row = (long) r * classes;
            int label = label(labels, labelsOff, r, classes);
            float m = Float.NEGATIVE_INFINITY;
            for (int c = 0; c < classes; c++) {
                m = Math.max(m, logits.getAtIndex(F, logitsOff + row + c));
            }
            float sum = 0;
            for (int c = 0; c < classes; c++) {
                float e = (float) Math.exp(logits.getAtIndex(F, logitsOff + row + c) - m);
                probs.setAtIndex(F, probsOff + row + c, e);
                sum += e;
            }
            float inv = 1f / sum;
            for (int c = 0; c < classes; c++) {
                probs.setAtIndex(F, probsOff + row + c, probs.getAtIndex(F, probsOff + row + c) * inv);
            }
            loss += (float) Math.log(sum) + m - logits.getAtIndex(F, logitsOff + row + label);
        }
        return loss;
    }

    @Override
    public double softmaxCrossEntropyF64(MemorySegment logits, long logitsOff, MemorySegment labels, long labelsOff,
            MemorySegment probs, long probsOff, int rows, int classes) {
        double loss = 0;
        for (int r = 0; r < rows; r++) {
            long row = (long) r * classes;
            int label = label(labels, labelsOff, r, classes);
            double m = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < classes; c++) {
                m = Math.max(m, logits.getAtIndex(D, logitsOff + row + c));
            }
            double sum = 0;
            for (int c = 0; c < classes; c++) {
                double e = Math.exp(logits.getAtIndex(D, logitsOff + row + c) - m);
                probs.setAtIndex(D, probsOff + row + c, e);
                sum += e;
            }
            double inv = 1d / sum;
            for (int c = 0; c < classes; c++) {
                probs.setAtIndex(D, probsOff + row + c, probs.getAtIndex(D, probsOff + row + c) * inv);
            }
            loss += Math.log(sum) + m - logits.getAtIndex(D, logitsOff + row + label);
        }
        return loss;
    }

    @Override
    public void softmaxCrossEntropyBackwardF32(MemorySegment probs, long probsOff, MemorySegment labels,
            long labelsOff, float scale, MemorySegment dx, long dxOff, int rows, int classes) {
        for (int r = 0; r < rows; r++) {
            long row = (long) r * classes;
            int label = label(labels, labelsOff, r, classes);
            for (int c = 0; c < classes; c++) {
                float p = probs.getAtIndex(F, probsOff + row + c);
                dx.setAtIndex(F, dxOff + row + c, scale * (c == label ? p - 1f : p));
            }
        }
    }

    @Override
    public void softmaxCrossEntropyBackwardF64(MemorySegment probs, long probsOff, MemorySegment labels,
            long labelsOff, double scale, MemorySegment dx, long dxOff, int rows, int classes) {
        for (int r = 0; r < rows; r++) {
            long row = (long) r * classes;
            int label = label(labels, labelsOff, r, classes);
            for (int c = 0; c < classes; c++) {
                double p = probs.getAtIndex(D, probsOff + row + c);
                dx.setAtIndex(D, dxOff + row + c, scale * (c == label ? p - 1d : p));
            }
        }
    }

    @Override
    public float softmaxCrossEntropyTangentF32(MemorySegment probs, long probsOff, MemorySegment labels,
            long labelsOff, MemorySegment t, long tOff, int rows, int classes) {
        float total = 0;
        for (int r = 0; r < rows; r++) {
            long row = (long) r * classes;
            int label = label(labels, labelsOff, r, classes);
            float s = 0;
            for (int c = 0; c < classes; c++) {
                s += probs.getAtIndex(F, probsOff + row + c) * t.getAtIndex(F, tOff + row + c);
            }
            total += s - t.getAtIndex(F, tOff + row + label);
        }
        return total;
    }

    @Override
    public double softmaxCrossEntropyTangentF64(MemorySegment probs, long probsOff, MemorySegment labels,
            long labelsOff, MemorySegment t, long tOff, int rows, int classes) {
        double total = 0;
        for (int r = 0; r < rows; r++) {
            long row = (long) r * classes;
            int label = label(labels, labelsOff, r, classes);
            double s = 0;
            for (int c = 0; c < classes; c++) {
                s += probs.getAtIndex(D, probsOff + row + c) * t.getAtIndex(D, tOff + row + c);
            }
            total += s - t.getAtIndex(D, tOff + row + label);
        }
        return total;
    }

    private static int label(MemorySegment labels, long labelsOff, int row, int classes) {
        int label = labels.getAtIndex(I, labelsOff + row);
        if (label < 0 || label >= classes) {
            throw new IllegalArgumentException("label " + label + " of row " + row + " is outside [0, " + classes + ")");
        }
        return label;
    }
}
