package dev.inertia.autodiff;

import dev.inertia.memory.Tensor;

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

    /**
     * Computes {@code out}'s k-direction tangent block from the inputs' blocks (null = zero; at
     * least one is not null) into {@link Var#tangentsBuffer}. The tangent rule is linear in
     * the tangent, so this default runs it once per direction on rows of the blocks, which gives
     * the single-direction bits exactly; ops with a product (matmul, affine, convolution)
     * override it with one batched product over the k directions.
     */
    void tangents(Var out, int k) {
        Tensor block = out.tangentsBuffer(k);
        Var[] inputs = out.inputs;
        Tensor[] saved = new Tensor[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            saved[i] = inputs[i] == null ? null : inputs[i].tangent;
        }
        try {
            for (int j = 0; j < k; j++) {
                for (Var in : inputs) {
                    if (in != null) {
                        in.tangent = in.tangents == null ? null : in.tangentRow(j);
                    }
                }
                tangent(out);
                out.row(block, j).copyFrom(out.tangent);
            }
        } finally {
            for (int i = 0; i < inputs.length; i++) {
                if (inputs[i] != null) {
                    inputs[i].tangent = saved[i];
                }
            }
            out.tangents = block;
        }
    }

    /**
     * The lexicographic (LD-) derivative of the op along the k directions of the inputs' blocks
     * (Nesterov 2005; Khan and Barton 2015): a smooth op's is its ordinary tangent block; an op
     * with kinks resolves each kink by the sign of the first nonzero directional derivative of
     * its argument, and must override this. Refused, naming the op, when it does not.
     */
    void lexTangents(Var out, int k) {
        if (hasKinks()) {
            throw new UnsupportedOperationException("lexicographic derivative: the op '" + name
                    + "' has kinks and no lexicographic rule");
        }
        tangents(out, k);
    }

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
