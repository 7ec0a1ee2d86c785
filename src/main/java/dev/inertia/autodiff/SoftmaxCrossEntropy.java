package dev.inertia.autodiff;

import dev.inertia.memory.Tensor;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * The mean softmax cross-entropy of logits {@code [rows, classes]} against integer labels, fused:
 * the forward pass keeps the softmax, from which the gradient {@code (p - onehot) / rows} and
 * the tangent {@code mean(p·t - t[label])} are read.
 */
final class SoftmaxCrossEntropy {
    private SoftmaxCrossEntropy() {}

    static Var apply(Var logits, int[] labels) {
        requireLogits(logits);
        if (labels.length != logits.shape[0]) {
            throw new IllegalArgumentException("softmaxCrossEntropy: " + labels.length + " labels for "
                    + logits.shape[0] + " rows");
        }
        return record(logits, MemorySegment.ofArray(labels.clone()));
    }

    static Var apply(Var logits, MemorySegment labels) {
        requireLogits(logits);
        if (labels.byteSize() < (long) Integer.BYTES * logits.shape[0]) {
            throw new IllegalArgumentException("softmaxCrossEntropy: " + labels.byteSize() / Integer.BYTES
                    + " labels for " + logits.shape[0] + " rows");
        }
        return record(logits, labels);
    }

    private static void requireLogits(Var logits) {
        if (logits.shape.length != 2) {
            throw new IllegalArgumentException("softmaxCrossEntropy needs logits [rows, classes], got "
                    + Arrays.toString(logits.shape));
        }
    }

    private static Var record(Var logits, MemorySegment ls) {
        int rows = logits.shape[0], classes = logits.shape[1];
        Tensor probs = logits.tape.buffer(logits.dtype(), logits.shape);
        double loss = Kern.softmaxCrossEntropy(logits.value, ls, probs, rows, classes);
        Tensor out = logits.tape.buffer(logits.dtype(), SCALAR);
        out.setDouble(0, rows == 0 ? 0 : loss / rows);
        CrossEntropyRule rule = logits.tape.rule(CrossEntropyRule.class, CrossEntropyRule::new);
        return logits.tape.record(out, rule.set(ls, probs), logits);
    }

    private static final int[] SCALAR = {};

    /** Reconfigured by {@link #set} when the tape recycles it (see {@link Tape#reusableRule}). */
    private static final class CrossEntropyRule extends UnaryRule {
        private MemorySegment labels;
        /** [rows, classes], the forward pass's softmax. */
        private Tensor probs;

        CrossEntropyRule() {
            super("softmaxCrossEntropy");
        }

        CrossEntropyRule set(MemorySegment labels, Tensor probs) {
            this.labels = labels;
            this.probs = probs;
            return this;
        }

        @Override
        void backward(Var out, Var x, Tensor s) {
            int rows = probs.dim(0);
            double scale = out.grad.getDouble(0) / Math.max(rows, 1);
            Kern.softmaxCrossEntropyBackward(probs, labels, scale, s, rows, probs.dim(1));
        }

        @Override
        void tangent(Var out) {
            Var x = out.input(0);
            int rows = probs.dim(0);
            double t = Kern.softmaxCrossEntropyTangent(probs, labels, x.tangent, rows, probs.dim(1));
            out.tangentBuffer().setDouble(0, t / Math.max(rows, 1));
        }

        @Override
        long forwardOps(Var out) {
            // max (compare, select), subtract, exp, sum, normalize per logit; log, add, subtract per row
            return 6 * probs.size() + 3L * probs.dim(0);
        }

        @Override
        long backwardOps(Var out) {
            return 3 * probs.size();
        }

        @Override
        long tangentOps(Var out) {
            return 2 * probs.size() + 2L * probs.dim(0);
        }
    }
}
