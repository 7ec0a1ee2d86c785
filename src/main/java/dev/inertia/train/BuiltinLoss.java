package dev.inertia.train;

import dev.inertia.autodiff.Var;
import dev.inertia.nn.Losses;
import java.lang.foreign.MemorySegment;

/** The losses {@link Loss}'s factories return: a name and a function of the nn layer's {@link Losses}. */
record BuiltinLoss(String name, boolean usesLabels, Function function) implements Loss {
    static final Loss CROSS_ENTROPY = new BuiltinLoss("cross_entropy", true,
            (output, targets, labels) -> Losses.crossEntropy(output, labels));
    static final Loss MSE = new BuiltinLoss("mse", false, (output, targets, labels) -> Losses.mse(output, targets));
    static final Loss L1 = new BuiltinLoss("l1", false, (output, targets, labels) -> Losses.l1(output, targets));
    static final Loss BCE_WITH_LOGITS = new BuiltinLoss("bce_with_logits", false,
            (output, targets, labels) -> Losses.bceWithLogits(output, targets));

    /** The loss of a batch. */
    @FunctionalInterface
    interface Function {
        Var apply(Var output, Var targets, MemorySegment labels);
    }

    @Override
    public Var apply(Var output, Var targets, MemorySegment labels) {
        return function.apply(output, targets, labels);
    }

    @Override
    public String toString() {
        return name;
    }
}
