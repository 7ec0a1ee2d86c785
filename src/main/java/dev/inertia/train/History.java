package dev.inertia.train;

import java.util.List;

/**
 * What {@link Trainer#fit} did: one report per epoch, in order, and where it stopped.
 *
 * @param epochs      the epochs' reports (the last may be partial: a step limit or an interrupt)
 * @param stoppedEarly whether early stopping ended the run
 * @param bestEpoch   the 1-based epoch with the best monitored metric when early stopping watched
 *                    one (its weights were restored if asked), else the last epoch
 */
public record History(List<EpochReport> epochs, boolean stoppedEarly, int bestEpoch) {
    public History {
        epochs = List.copyOf(epochs);
    }

    /** The last epoch's report, or null when nothing was trained. */
    public EpochReport last() {
        return epochs.isEmpty() ? null : epochs.getLast();
    }

    /**
     * The wall time of the run's first training step in ms (see {@link EpochReport#firstStepMs()}),
     * or NaN when nothing was trained.
     */
    public double firstStepMs() {
        return epochs.isEmpty() ? Double.NaN : epochs.getFirst().firstStepMs();
    }

    /** The values of {@code metric} ({@code loss}, {@code accuracy}, ...) on the evaluation set, per epoch. */
    public double[] metric(String metric) {
        double[] out = new double[epochs.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = epochs.get(i).metric(metric);
        }
        return out;
    }
}
