package dev.inertia.spark;

import java.io.Serializable;
import java.util.function.Supplier;

/**
 * A {@link Supplier} Spark can ship to executors: how the loss and the optimizer are specified
 * ({@code Loss::crossEntropy}, {@code () -> AdamW.builder().lr(1e-3).build()}), since those objects
 * themselves are not serializable.
 */
@FunctionalInterface
public interface SerializableSupplier<T> extends Supplier<T>, Serializable {
}
