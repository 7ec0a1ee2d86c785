package dev.inertia.train;

import dev.inertia.memory.Tensor;
import java.util.List;
import java.util.Map;

/**
 * Loss scaling as the {@link Trainer} uses it (implemented by {@code numerics.LossScaler}): the
 * reverse sweep is seeded with {@link #scale()} instead of 1, so the gradients it computes are
 * scaled too and small ones survive a 16-bit format; {@link #afterBackward} then divides them by
 * the scale and says whether the optimizer should apply them.
 */
public interface LossScaling {
    /** The factor the loss is multiplied by for the next reverse sweep. */
    double scale();

    /**
     * Divides {@code gradients} by the scale of the sweep that computed them, in place, updates
     * the scale, and returns whether the step should be applied (false when a gradient
     * overflowed: the optimizer then skips the step).
     */
    boolean afterBackward(List<Tensor> gradients);

    /** Steps skipped so far because a gradient overflowed. */
    long skippedSteps();

    /**
     * What the next steps depend on (a dynamic scale, its growth counter, ...) as text values by
     * key, which a {@link Checkpoint} stores as metadata {@code loss_scale.<key>}; empty (the
     * default) for a scaling without state.
     */
    default Map<String, String> state() {
        return Map.of();
    }

    /**
     * Checks a {@link #state()} read back from a checkpoint and returns what applies it, changing
     * nothing yet (a load that fails later leaves this scaling as it was). An empty map (a
     * checkpoint written before the state was kept, or by a run without loss scaling) keeps the
     * current state.
     *
     * @throws IllegalArgumentException naming the key whose value is wrong or does not fit
     */
    default Runnable restore(Map<String, String> state) {
        return () -> { };
    }
}
