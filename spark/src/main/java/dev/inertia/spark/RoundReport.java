package dev.inertia.spark;

/**
 * One round of a Spark fit: one Spark job (broadcast, the partitions' work, the aggregate).
 *
 * @param round          1-based
 * @param rounds         rounds in the fit
 * @param firstStep      the global step the round started at (0-based)
 * @param steps          optimizer steps the round took (K in local SGD, 1 in exact mode)
 * @param loss           mean training loss over the round's steps and partitions
 * @param samples        examples trained on, all partitions together
 * @param wallMs         the round on the driver, broadcast to aggregate
 * @param computeMs      the slowest partition's work (decoding the broadcast, the steps, packing the result)
 * @param broadcastBytes the state broadcast to the executors
 * @param resultBytes    the vectors the partitions sent back, all together
 */
public record RoundReport(int round, int rounds, long firstStep, int steps, double loss, long samples, double wallMs,
        double computeMs, long broadcastBytes, long resultBytes) {

    /** The round's time outside the partitions' work: scheduling, broadcast, serialization, aggregation. */
    public double syncMs() {
        return Math.max(0, wallMs - computeMs);
    }

    /** Bytes the round moved: the broadcast once plus every partition's result. */
    public long bytes() {
        return broadcastBytes + resultBytes;
    }
}
