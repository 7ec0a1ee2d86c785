package dev.inertia.spark;

import dev.inertia.memory.Scope;
import dev.inertia.nn.Module;
import dev.inertia.optim.Optimizer;

/**
 * A finished Spark fit: the trained model on the driver (use it with the library's
 * {@code Predictor} and {@code ModelFile}), the optimizer with its final state (its
 * {@code stateDict()} continues the run), and the history. Closing it frees their memory.
 */
public final class SparkFit implements AutoCloseable {
    private final Scope scope;
    private final Module model;
    private final Optimizer optimizer;
    private final SparkHistory history;

    SparkFit(Scope scope, Module model, Optimizer optimizer, SparkHistory history) {
        this.scope = scope;
        this.model = model;
        this.optimizer = optimizer;
        this.history = history;
    }

    public Module model() {
        return model;
    }

    public Optimizer optimizer() {
        return optimizer;
    }

    public SparkHistory history() {
        return history;
    }

    @Override
    public void close() {
        scope.close();
    }
}
