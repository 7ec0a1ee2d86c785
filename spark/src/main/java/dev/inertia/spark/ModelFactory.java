package dev.inertia.spark;

import dev.inertia.memory.Scope;
import dev.inertia.nn.Module;
import java.io.Serializable;

/**
 * Builds the model to train, on the driver and once per task slot on every executor: Spark ships
 * the factory, never the model (whose tensors live off-heap). It must be serializable (a static
 * method reference such as {@code scope -> Models.mlp(scope, DType.F32, 7)} in a class that is
 * not an inner class, or a {@code Serializable} class), and it must build the same architecture
 * every time; the initial weights only count on the driver, whose model is broadcast.
 */
@FunctionalInterface
public interface ModelFactory extends Serializable {
    /** A new model whose tensors live in {@code scope}. */
    Module create(Scope scope);
}
