package dev.inertia.train;

import java.util.Objects;

/**
 * Stops training when a validation metric has not improved for {@code patience} epochs, and
 * optionally puts back the weights of the best epoch (Keras' {@code EarlyStopping}).
 *
 * @param monitor     the metric watched on the validation set: {@code loss} or a metric's name
 *                    ({@code accuracy}, {@code rmse}, ...)
 * @param patience    epochs without improvement before stopping, at least 1
 * @param minDelta    the least change that counts as an improvement, at least 0
 * @param restoreBest whether the model ends with the best epoch's parameters and buffers
 */
public record EarlyStopping(String monitor, int patience, double minDelta, boolean restoreBest) {
    public EarlyStopping {
        Objects.requireNonNull(monitor, "monitor");
        if (patience < 1) {
            throw new IllegalArgumentException("early stopping needs a patience of at least 1 epoch, got " + patience);
        }
        if (!(minDelta >= 0) || !Double.isFinite(minDelta)) {
            throw new IllegalArgumentException("early stopping's minimum change must be finite and >= 0, got "
                    + minDelta);
        }
    }

    /** Watches {@code monitor} with the given patience, any improvement counting, restoring the best weights. */
    public static EarlyStopping on(String monitor, int patience) {
        return new EarlyStopping(monitor, patience, 0, true);
    }
}
