package dev.inertia.autodiff;

/**
 * Elementary operations of one evaluation, one reverse sweep and one tangent sweep of a
 * recorded graph, as declared by its ops under the model of docs/cost-model.md (flops, with
 * comparisons and selections counted as one operation each).
 *
 * <p>The three counts are separate: a full gradient by reverse mode costs
 * {@code forwardOps + backwardOps}, one Jacobian-vector product {@code forwardOps + jvpOps}.
 */
public record Cost(long forwardOps, long backwardOps, long jvpOps) {
    /** The reverse sweep relative to the evaluation: the "cheap gradient" constant. */
    public double backwardOverForward() {
        return forwardOps == 0 ? 0 : (double) backwardOps / forwardOps;
    }

    /** Evaluation plus reverse sweep: one full gradient. */
    public long gradientOps() {
        return forwardOps + backwardOps;
    }

    /**
     * One tangent sweep along k directions at once ({@link Tape#computeTangentBlocks()}): every
     * tangent rule is linear in the tangent, so k directions declare k times one sweep's
     * operations; the block sweep's gain is in how they run (one GEMM of k times the rows
     * instead of k), not in their number.
     */
    public long jvpOps(long k) {
        return k * jvpOps;
    }

    /** k separate Jacobian-vector products, each evaluating the function again: k (forward + jvp). */
    public long separateJvpsOps(long k) {
        return k * (forwardOps + jvpOps);
    }

    /** k Jacobian-vector products from one evaluation and one k-direction sweep: forward + k jvp. */
    public long blockJvpOps(long k) {
        return forwardOps + jvpOps(k);
    }

    /**
     * A lexicographic gradient over {@code p} inputs ({@link AD#lexGrad}): one evaluation and a
     * sweep of p directions (the identity), declared as p tangent sweeps.
     */
    public long lexicographicGradientOps(long p) {
        return blockJvpOps(p);
    }

    /** A full gradient by forward mode over {@code p} inputs: one evaluation and p tangent sweeps. */
    public long forwardModeGradientOps(long p) {
        return forwardOps + p * jvpOps;
    }
}
