package dev.inertia.spark;

/** How the partitions' work is combined. */
public enum Mode {
    /**
     * Local SGD with periodic averaging: every partition takes K optimizer steps on its own
     * mini-batches, then the parameters, the buffers and the optimizer state (moments, INNAprop's
     * psi and v, momentum) are averaged across partitions. One Spark job per K steps.
     */
    LOCAL_SGD,
    /**
     * Synchronous gradient averaging: every step, each partition computes the gradient of its
     * share of one global batch, the driver sums them and takes one optimizer step. The
     * trajectory is single-process training on the same global batches, up to the order of the
     * float sums. One Spark job per step.
     */
    EXACT
}
