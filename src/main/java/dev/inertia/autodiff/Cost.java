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

    /** A full gradient by forward mode over {@code p} inputs: one evaluation and p tangent sweeps. */
    public long forwardModeGradientOps(long p) {
        return forwardOps + p * jvpOps;
    }
}
