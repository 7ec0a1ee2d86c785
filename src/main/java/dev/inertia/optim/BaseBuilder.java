package dev.inertia.optim;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What every optimizer's builder shares: its hyperparameters by their PyTorch names, in the order
 * {@link TensorOptimizer#hyperparameters()} reports them (flags as 0 or 1), with their defaults;
 * the setters of the two every optimizer has, the learning rate and the weight decay (decoupled
 * for INNAprop, INNA and AdamW, an L2 penalty added to the gradient for SGD and RMSprop, as each
 * class says). The values are checked when the optimizer is built, not here.
 *
 * @param <B> the concrete builder, returned by the setters so that calls chain
 */
abstract class BaseBuilder<B extends BaseBuilder<B>> {
    private final Map<String, Double> values = new LinkedHashMap<>();

    /** Names and default values, alternating, like {@code "lr", 0.01, "weight_decay", 0}. */
    BaseBuilder(Object... defaults) {
        for (int i = 0; i < defaults.length; i += 2) {
            values.put((String) defaults[i], ((Number) defaults[i + 1]).doubleValue());
        }
    }

    @SuppressWarnings("unchecked")
    private B self() {
        return (B) this;
    }

    /** Sets the hyperparameter {@code name}, which must be one of this builder's. */
    final B set(String name, double value) {
        if (!values.containsKey(name)) {
            throw new IllegalArgumentException("no hyperparameter '" + name + "'; there are " + values.keySet());
        }
        values.put(name, value);
        return self();
    }

    /** The value of {@code name}, set or default. */
    final double get(String name) {
        return values.get(name);
    }

    /** The flag {@code name}: 0 or 1, anything else is an {@link IllegalArgumentException}. */
    final boolean flag(String name) {
        double v = get(name);
        if (v != 0 && v != 1) {
            throw new IllegalArgumentException(name + " must be 0 or 1, got " + v);
        }
        return v == 1;
    }

    /** A copy of every hyperparameter, in order. */
    final Map<String, Double> values() {
        return new LinkedHashMap<>(values);
    }

    /** The learning rate (finite, >= 0). */
    public B lr(double lr) {
        return set("lr", lr);
    }

    /** The weight decay (finite, >= 0); see the optimizer's class for how it is applied. */
    public B weightDecay(double weightDecay) {
        return set("weight_decay", weightDecay);
    }

    /** The optimizer of these hyperparameters; an {@link IllegalArgumentException} names one out of range. */
    public abstract TensorOptimizer<?> build();
}
