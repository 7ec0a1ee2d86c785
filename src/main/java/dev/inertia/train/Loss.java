package dev.inertia.train;

import dev.inertia.autodiff.Var;
import dev.inertia.nn.Losses;
import java.lang.foreign.MemorySegment;

/**
 * What a {@link Trainer} minimizes: a scalar {@link Var} of a batch's model output and its
 * targets. Classification losses read the class indices ({@code labels}, one 32-bit int per
 * example); the others read the float {@code targets} ({@code [batch, target width]}, the model's
 * dtype), which for a classification data set hold the class index as a float (what
 * {@link #bceWithLogits()} wants for a 0/1 label).
 */
public interface Loss {
    /** The loss's name in reports and model files, like {@code cross_entropy}. */
    String name();

    /** Whether {@link #apply} reads the labels (true) or the float targets (false). */
    boolean usesLabels();

    /** The mean loss of the batch; {@code targets} or {@code labels} may be null when unused. */
    Var apply(Var output, Var targets, MemorySegment labels);

    /** Softmax cross-entropy of logits {@code [N, classes]} against class indices (PyTorch's {@code cross_entropy}). */
    static Loss crossEntropy() {
        return BuiltinLoss.CROSS_ENTROPY;
    }

    /** Mean squared error (PyTorch's {@code mse_loss}). */
    static Loss mse() {
        return BuiltinLoss.MSE;
    }

    /** Mean absolute error (PyTorch's {@code l1_loss}); at a zero residual it follows the tape's abs kink policy. */
    static Loss l1() {
        return BuiltinLoss.L1;
    }

    /** Huber loss with threshold {@code delta} (PyTorch's {@code HuberLoss}). */
    static Loss huber(double delta) {
        if (!(delta > 0) || !Double.isFinite(delta)) {
            throw new IllegalArgumentException("Huber delta must be positive and finite, got " + delta);
        }
        return new BuiltinLoss("huber", false, (output, targets, labels) -> Losses.huber(output, targets, delta));
    }

    /** Binary cross-entropy of logits against 0/1 targets (PyTorch's {@code BCEWithLogitsLoss}). */
    static Loss bceWithLogits() {
        return BuiltinLoss.BCE_WITH_LOGITS;
    }
}
