package dev.inertia.train;

/**
 * Training produced a non-finite loss. Thrown before that step's reverse sweep and optimizer
 * step, so the model keeps the parameters of the last finite step and no checkpoint is written
 * from the diverged state.
 */
public final class TrainingDivergedException extends IllegalStateException {
    private final long step;

    public TrainingDivergedException(String message, long step) {
        super(message);
        this.step = step;
    }

    /** The 1-based optimizer step whose loss was not finite. */
    public long step() {
        return step;
    }
}
