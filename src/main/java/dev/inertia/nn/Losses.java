package dev.inertia.nn;

import dev.inertia.autodiff.Var;
import java.lang.foreign.MemorySegment;

/** Training losses, each a scalar {@link Var}. */
public final class Losses {
    private Losses() {}

    /**
     * The mean softmax cross-entropy of {@code logits [N, classes]} against {@code labels} (N
     * 32-bit ints in native order), fused and numerically stable; PyTorch's
     * {@code F.cross_entropy}.
     */
    public static Var crossEntropy(Var logits, MemorySegment labels) {
        return logits.softmaxCrossEntropy(labels);
    }

    /** The same with the labels in an array. */
    public static Var crossEntropy(Var logits, int[] labels) {
        return logits.softmaxCrossEntropy(labels);
    }

    /** The mean squared error {@code mean((prediction - target)²)}; PyTorch's {@code F.mse_loss}. */
    public static Var mse(Var prediction, Var target) {
        return prediction.mseLoss(target);
    }

    /**
     * The mean absolute error {@code mean(|prediction - target|)}; PyTorch's {@code F.l1_loss}.
     * Where prediction equals target the derivative is abs'(0) of the tape's kink policy.
     */
    public static Var l1(Var prediction, Var target) {
        return prediction.l1Loss(target);
    }

    /** PyTorch's {@code F.huber_loss(prediction, target, delta=delta)}, reduction "mean". */
    public static Var huber(Var prediction, Var target, double delta) {
        return prediction.huberLoss(target, delta);
    }

    /**
     * Binary cross-entropy of logits against probabilities of the same shape, averaged and
     * numerically stable; PyTorch's {@code F.binary_cross_entropy_with_logits}.
     */
    public static Var bceWithLogits(Var logits, Var target) {
        return logits.bceWithLogits(target);
    }
}
