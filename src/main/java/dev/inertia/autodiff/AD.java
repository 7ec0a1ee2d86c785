package dev.inertia.autodiff;

import dev.inertia.memory.Tensor;
import java.lang.foreign.Arena;
import java.util.Objects;
import java.util.function.Function;

/**
 * One-call differentiation of a function of one tensor. Each call records {@code f} on a fresh
 * {@link Tape} and frees it before returning; the returned tensors live in memory managed by
 * the garbage collector. For training loops, use a {@link Tape} directly (its buffers are
 * reused from step to step).
 */
public final class AD {
    private AD() {}

    /** The value of {@code f(x)}. */
    public static Tensor value(Function<Var, Var> f, Tensor x) {
        try (Tape tape = new Tape()) {
            Var y = apply(f, tape.constant(x));
            return copyOut(y.value);
        }
    }

    /** The gradient of a scalar-valued {@code f} at {@code x}, with {@link Kinks#defaults()}. */
    public static Tensor grad(Function<Var, Var> f, Tensor x) {
        return grad(f, x, Kinks.defaults());
    }

    /** The gradient of a scalar-valued {@code f} at {@code x}; kinks resolved by {@code kinks}. */
    public static Tensor grad(Function<Var, Var> f, Tensor x, Kinks kinks) {
        try (Tape tape = new Tape(kinks)) {
            Var in = tape.param(x);
            Var y = apply(f, in);
            if (!y.requiresGrad) {
                Tensor zero = copyOut(x);
                Kern.fill(0, zero);
                return zero;
            }
            tape.backward(y);
            return copyOut(in.grad);
        }
    }

    /**
     * The Jacobian-vector product {@code f'(x) · v} by forward mode (one tangent sweep), of the
     * shape of {@code f(x)}.
     */
    public static Tensor jvp(Function<Var, Var> f, Tensor x, Tensor v, Kinks kinks) {
        Objects.requireNonNull(v, "v");
        try (Tape tape = new Tape(kinks)) {
            Var in = tape.param(x).setTangent(v);
            Var y = apply(f, in);
            tape.computeTangents();
            if (y.tangent == null) {
                Tensor zero = copyOut(y.value);
                Kern.fill(0, zero);
                return zero;
            }
            return copyOut(y.tangent);
        }
    }

    /** The declared operation counts of evaluating {@code f} at {@code x}, of its gradient and of one JVP. */
    public static Cost cost(Function<Var, Var> f, Tensor x, Kinks kinks) {
        try (Tape tape = new Tape(kinks)) {
            Var y = apply(f, tape.param(x));
            return tape.cost(y);
        }
    }

    private static Var apply(Function<Var, Var> f, Var in) {
        Var y = Objects.requireNonNull(f, "f").apply(in);
        if (y == null) {
            throw new IllegalArgumentException("the function returned null instead of a Var");
        }
        if (y.tape != in.tape) {
            throw new IllegalArgumentException("the function returned a Var of another tape");
        }
        return y;
    }

    private static Tensor copyOut(Tensor t) {
        Tensor out = Tensor.wrap(Arena.ofAuto().allocate(t.size() * t.dtype().byteSize(), 64), t.dtype(), t.shape());
        out.copyFrom(t);
        return out;
    }
}
