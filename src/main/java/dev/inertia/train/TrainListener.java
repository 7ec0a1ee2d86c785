package dev.inertia.train;

/**
 * Receives what a {@link Trainer} run reports (the command line prints it): a lambda receives
 * the epochs' reports; {@link #step} is called on the training
 * thread after every step and must be quick (and should not allocate, to keep the step free of
 * garbage).
 */
@FunctionalInterface
public interface TrainListener {
    /** Optimizer step {@code step} (1-based, counting the whole run) finished with this training loss. */
    default void step(long step, double loss) {
    }

    /** An epoch (or the partial epoch a step limit or an interrupt stopped) was evaluated. */
    void epoch(EpochReport report);

    /** A line for the user (data source, checkpoint written, resume position); stderr material. */
    default void message(String line) {
    }
}
