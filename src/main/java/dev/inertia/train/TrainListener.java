package dev.inertia.train;

/** Receives what a {@link Trainer} run reports (the command line prints it). */
public interface TrainListener {
    /** An epoch (or the partial epoch a step limit or an interrupt stopped) was evaluated. */
    void epoch(EpochReport report);

    /** A line for the user (data source, checkpoint written, resume position); stderr material. */
    default void message(String line) {
    }
}
