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

    /**
     * The Jacobian-vector products {@code f'(x) · d_j} along k directions in one forward sweep:
     * {@code directions} is {@code [k, ...x.shape]} (row j the direction d_j), the result
     * {@code [k, ...f(x).shape]} (row j the product along d_j, the same bits as
     * {@link #jvp(Function, Tensor, Tensor, Kinks)} along d_j alone). The directions stacked as
     * rows go through each product of the program (matmul, linear layer, convolution) as one
     * GEMM with k times the rows. (Not an overload of {@code jvp}: a block and a single
     * direction are both tensors.)
     */
    public static Tensor jvps(Function<Var, Var> f, Tensor x, Tensor directions, Kinks kinks) {
        Objects.requireNonNull(directions, "directions");
        try (Tape tape = new Tape(kinks)) {
            Var in = tape.param(x).setTangents(directions);
            Var y = apply(f, in);
            tape.computeTangentBlocks();
            return blockOut(y, directions.dim(0));
        }
    }

    /**
     * A lexicographic derivative of a scalar-valued {@code f} at {@code x} (Nesterov 2005; Khan
     * and Barton 2015): the LD-derivative along the p = x.size() unit directions e_1, ..., e_p in
     * order, carried by one forward sweep of p directions (the identity). Each kink is resolved
     * by the sign of the first nonzero directional derivative of its argument along that
     * sequence, so the result is the gradient of one smooth piece active at x: an element of the
     * Clarke subdifferential of a piecewise-smooth program, where reverse mode with a fixed
     * {@link Kinks} policy may return a vector outside it (relu(x) − relu(−x) at 0: 1 here, 2·ReLU'(0)
     * by backpropagation). Equal to {@link #grad} wherever f is smooth. It costs one evaluation
     * and p tangent sweeps' operations ({@link Cost#jvpOps(long)}), growing with p where the
     * gradient does not. {@code kinks} serves only the recording; the kinks' values come from
     * the directions.
     *
     * @throws UnsupportedOperationException naming the op, when f uses an op with kinks that
     *         has no lexicographic rule
     */
    public static Tensor lexGrad(Function<Var, Var> f, Tensor x, Kinks kinks) {
        int p = Math.toIntExact(x.size());
        Tensor identity = Tensor.wrap(Arena.ofAuto().allocate((long) p * p * x.dtype().byteSize(), 64), x.dtype(),
                prepend(p, x.shape()));
        for (int i = 0; i < p; i++) {
            identity.setDouble((long) i * p + i, 1);
        }
        try (Tape tape = new Tape(kinks)) {
            Var in = tape.param(x).setTangents(identity);
            Var y = apply(f, in);
            if (y.size() != 1) {
                throw new IllegalArgumentException("lexGrad needs a scalar-valued function, got shape "
                        + java.util.Arrays.toString(y.shape));
            }
            Tensor grad = copyOut(x);
            if (!y.requiresGrad) {
                Kern.fill(0, grad);
                return grad;
            }
            tape.computeLexicographicTangents();
            for (int i = 0; i < p; i++) {
                grad.setDouble(i, y.tangents.getDouble(i)); // row i of [p, 1]: the derivative along e_i
            }
            return grad;
        }
    }

    private static Tensor blockOut(Var y, int k) {
        if (y.tangents == null) {
            Tensor zero = Tensor.wrap(Arena.ofAuto().allocate(k * y.size() * y.dtype().byteSize(), 64), y.dtype(),
                    prepend(k, y.shape));
            Kern.fill(0, zero);
            return zero;
        }
        return copyOut(y.tangents);
    }

    private static int[] prepend(int k, int[] shape) {
        int[] s = new int[shape.length + 1];
        s[0] = k;
        System.arraycopy(shape, 0, s, 1, shape.length);
        return s;
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
