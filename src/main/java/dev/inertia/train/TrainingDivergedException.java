package dev.inertia.train;

/**
 * Training diverged: a step's loss or gradient was not finite (thrown before that step's update,
 * so the model keeps the parameters of the last finite step), or an update left a parameter or
 * optimizer buffer NaN or infinite (found at the end of an epoch or before a checkpoint write).
 * Either way no checkpoint is written from the diverged state.
 */
public final class TrainingDivergedException extends IllegalStateException {
    private final long step;

    public TrainingDivergedException(String message, long step) {
        super(message);
        this.step = step;
    }

    /**
     * The 1-based optimizer step whose loss or gradient was not finite, or the step whose update
     * left non-finite state.
     */
    public long step() {
        return step;
    }
}
