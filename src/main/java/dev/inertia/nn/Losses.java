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
        Var d = prediction.sub(target);
        return d.mul(d).mean();
    }

    // placeholder compositions until the fused ops land (replaced at merge)
    public static Var l1(Var prediction, Var target) {
        return prediction.sub(target).abs().mean();
    }

    public static Var huber(Var prediction, Var target, double delta) {
        return prediction.sub(target).abs().mean();
    }

    public static Var bceWithLogits(Var logits, Var target) {
        return logits.relu().sub(logits.mul(target)).add(logits.abs().neg().exp().add(1).log()).mean();
    }
}
