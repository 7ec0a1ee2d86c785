package dev.inertia.nn;

import dev.inertia.autodiff.Kinks;
import dev.inertia.autodiff.Var;

/** max(x, 0); ReLU'(0) from the tape's {@link Kinks} or from the policy given here. */
public final class ReLU extends Module {
    private final Kinks kinks;

    /** Uses the tape's policy. */
    public ReLU() {
        this(null);
    }

    /** {@code kinks} null means the tape's policy. */
    public ReLU(Kinks kinks) {
        this.kinks = kinks;
    }

    /** The policy given to this layer, or null for the tape's. */
    Kinks kinks() {
        return kinks;
    }

    @Override
    public Var forward(Var x) {
        return kinks == null ? x.relu() : x.relu(kinks);
    }
}
