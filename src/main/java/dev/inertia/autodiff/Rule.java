package dev.inertia.autodiff;

/**
 * What an op contributes to the tape besides its forward value (computed when the op is
 * called): its reverse rule, its tangent (forward-mode) rule and the elementary operations of
 * all three under the cost model of docs/cost-model.md. One instance per recorded op; it holds
 * whatever the rules need from the forward pass (geometry, kink values, saved statistics).
 */
abstract class Rule {
    private String name;
    private boolean kinks;

    /** A rule of a fixed name, with or without kinks. */
    Rule(String name, boolean kinks) {
        this.name = name;
        this.kinks = kinks;
    }

    /** A rule of a fixed name and no kinks. */
    Rule(String name) {
        this(name, false);
    }

    /** A rule whose name and kinks depend on how it is configured: its {@code set} calls {@link #named}. */
    Rule() {}

    /** Sets the name and whether the op has kinks, for a rule configured by each recording. */
    final void named(String name, boolean kinks) {
        this.name = name;
        this.kinks = kinks;
    }

    /** The op's name in kink reports. */
    final String name() {
        return name;
    }

    /**
     * Adds the op's contribution to the gradients of those inputs that require one, given
     * {@code out.grad}.
     */
    abstract void backward(Var out);

    /**
     * Computes {@code out}'s tangent from the inputs' tangents (null = zero; at least one is
     * not null) into {@link Var#tangentBuffer()}, or sets it as a view.
     */
    abstract void tangent(Var out);

    /** Elementary operations of the forward rule. */
    abstract long forwardOps(Var out);

    /** Elementary operations of the reverse rule, for the inputs that require a gradient. */
    abstract long backwardOps(Var out);

    /** Elementary operations of the tangent rule, with tangents on the inputs that require a gradient. */
    abstract long tangentOps(Var out);

    /** Whether the op has kinks, counted in {@link Var#kinkCounts}. */
    final boolean hasKinks() {
        return kinks;
    }
}
