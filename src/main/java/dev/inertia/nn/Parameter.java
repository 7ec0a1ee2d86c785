package dev.inertia.nn;

import dev.inertia.autodiff.Tape;
import dev.inertia.autodiff.Var;
import dev.inertia.memory.DType;
import dev.inertia.memory.Scope;
import dev.inertia.memory.Tensor;
import dev.inertia.optim.Param;
import java.util.Objects;

/**
 * A trainable tensor of a {@link Module} and its gradient, both off-heap and allocated once. Each
 * forward pass puts the value on the tape with {@link #on(Tape)}; the reverse sweep then writes
 * the gradient straight into {@link #grad()}, which an optimizer reads through {@link #param()}.
 */
public final class Parameter {
    private final Tensor value;
    private final Tensor grad;
    private final Param param;

    /** A parameter over {@code value} (used in place) with a zeroed gradient allocated in {@code scope}. */
    public Parameter(Scope scope, Tensor value) {
        this.value = Objects.requireNonNull(value, "value");
        if (value.dtype() != DType.F32 && value.dtype() != DType.F64) {
            throw new IllegalArgumentException("parameters are F32 or F64, not " + value.dtype());
        }
        this.grad = Tensor.zeros(scope, value.dtype(), value.shape());
        this.param = new Param(value, grad);
    }

    /** A zeroed parameter of the given dtype and shape. */
    public static Parameter zeros(Scope scope, DType dtype, int... shape) {
        return new Parameter(scope, Tensor.zeros(scope, dtype, shape));
    }

    public Tensor value() {
        return value;
    }

    /** The gradient of the last reverse sweep (overwritten by each one). */
    public Tensor grad() {
        return grad;
    }

    /** The value and gradient as an optimizer takes them. */
    public Param param() {
        return param;
    }

    /** This parameter as a leaf of {@code tape} whose gradient goes into {@link #grad()}. */
    public Var on(Tape tape) {
        return tape.param(value, grad);
    }

    public long size() {
        return value.size();
    }

    @Override
    public String toString() {
        return "Parameter " + value.describe();
    }
}
