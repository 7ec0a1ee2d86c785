package dev.inertia.spark;

import java.io.Serializable;

/**
 * What the partitions of one round send back, and their sum: the flat vector (gradients or
 * parameters and optimizer state, see {@link StateLayout}), the summed training loss, and the
 * counts and compute times that the round's report shows. {@link #merge} is associative and
 * commutative up to float rounding; with two operands it is exactly commutative (IEEE addition
 * is), which the reproducible combination relies on.
 */
final class RoundResult implements Serializable {
    /** The summed vector, or null for the empty result (the aggregate's zero, which adds nothing). */
    float[] sum;
    /** Sum over steps and partitions of each step's mean loss. */
    double lossSum;
    /** Loss terms in {@link #lossSum}. */
    long lossTerms;
    /** Examples the partitions trained on. */
    long samples;
    /** Partitions summed in. */
    int partitions;
    /** The slowest partition's training time (decoding the broadcast included). */
    long computeNanosMax;
    /** All partitions' training time. */
    long computeNanosSum;
    /** Bytes of the vectors the partitions sent. */
    long resultBytes;

    static RoundResult empty() {
        return new RoundResult();
    }

    /** Adds {@code other} into this result (which may be changed in place) and returns it. */
    RoundResult merge(RoundResult other) {
        if (other.sum != null) {
            if (sum == null) {
                sum = other.sum;
            } else {
                Sums.addInto(sum, other.sum);
            }
        }
        lossSum += other.lossSum;
        lossTerms += other.lossTerms;
        samples += other.samples;
        partitions += other.partitions;
        computeNanosMax = Math.max(computeNanosMax, other.computeNanosMax);
        computeNanosSum += other.computeNanosSum;
        resultBytes += other.resultBytes;
        return this;
    }
}
