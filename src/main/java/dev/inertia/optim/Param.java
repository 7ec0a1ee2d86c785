package dev.inertia.optim;

import dev.inertia.memory.Scope;
import dev.inertia.memory.Tensor;
import java.util.Objects;

/**
 * A trainable parameter as an {@link Optimizer} sees it: the value tensor, updated in place by
 * each step, and the gradient tensor of the same dtype (F32 or F64) and shape, which the backward
 * pass fills (accumulates into) before each step.
 *
 * @param value the parameter's values
 * @param grad  the gradient of the loss with respect to {@code value}
 */
public record Param(Tensor value, Tensor grad) {
    public Param {
        Steps.requireFloating(value, "value");
        Objects.requireNonNull(grad, "grad");
        value.requireSameLayout(grad, "gradient of a parameter");
    }

    /** A parameter over {@code value} with a zeroed gradient allocated in {@code scope}. */
    public static Param of(Scope scope, Tensor value) {
        Steps.requireFloating(value, "value");
        return new Param(value, Tensor.zeros(scope, value.dtype(), value.shape()));
    }
}
