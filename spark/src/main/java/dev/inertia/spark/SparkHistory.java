package dev.inertia.spark;

import java.util.Arrays;
import java.util.List;

/**
 * What a Spark fit did, round by round, with the run's throughput and the median split of a
 * round into compute and synchronization.
 *
 * @param rounds       every round in order
 * @param epochs       the training loss and the validation metric after each epoch
 * @param seconds      the rounds' wall time (caching the data excluded)
 * @param setupSeconds packing and caching the partitions, before the first round
 */
public record SparkHistory(List<RoundReport> rounds, List<EpochSummary> epochs, double seconds, double setupSeconds) {
    public SparkHistory {
        rounds = List.copyOf(rounds);
        epochs = List.copyOf(epochs);
    }

    /**
     * One epoch.
     *
     * @param epoch      1-based
     * @param trainLoss  mean training loss of its rounds
     * @param validation the validation metric ({@code accuracy} or {@code rmse}), NaN without a validation set
     */
    public record EpochSummary(int epoch, double trainLoss, double validation) {
    }

    /** Examples trained on per second of the rounds' wall time. */
    public double samplesPerSecond() {
        long samples = 0;
        for (RoundReport r : rounds) {
            samples += r.samples();
        }
        return seconds > 0 ? samples / seconds : Double.NaN;
    }

    /** Bytes moved per round (the largest round: the last one of a fit can take fewer steps, never more bytes). */
    public long bytesPerRound() {
        long max = 0;
        for (RoundReport r : rounds) {
            max = Math.max(max, r.bytes());
        }
        return max;
    }

    public double syncMsP50() {
        return median(rounds.stream().mapToDouble(RoundReport::syncMs).toArray());
    }

    public double computeMsP50() {
        return median(rounds.stream().mapToDouble(RoundReport::computeMs).toArray());
    }

    /** The mean training loss of the last round. */
    public double finalLoss() {
        return rounds.isEmpty() ? Double.NaN : rounds.getLast().loss();
    }

    private static double median(double[] values) {
        if (values.length == 0) {
            return Double.NaN;
        }
        double[] v = values.clone();
        Arrays.sort(v);
        int m = v.length / 2;
        return v.length % 2 == 1 ? v[m] : (v[m - 1] + v[m]) / 2;
    }
}
