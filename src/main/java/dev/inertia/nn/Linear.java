package dev.inertia.nn;

import dev.inertia.autodiff.Kinks;
import dev.inertia.autodiff.Var;
import dev.inertia.memory.DType;
import dev.inertia.memory.Scope;
import java.util.random.RandomGenerator;

/**
 * {@code y = x · Wᵀ + b} for {@code x [N, in]}, with {@code weight [out, in]} and {@code bias
 * [out]} as in PyTorch (so its state dict loads into {@code torch.nn.Linear}); the product is one
 * GEMM with the weight read transposed in place and the bias added in the GEMM's epilogue
 * ({@link Var#linear}).
 */
public final class Linear extends Weighted {

    /** With a bias; PyTorch's default initialization from {@code random}. */
    public Linear(Scope scope, DType dtype, int in, int out, RandomGenerator random) {
        this(scope, dtype, in, out, true, random);
    }

    public Linear(Scope scope, DType dtype, int in, int out, boolean withBias, RandomGenerator random) {
        if (in < 1 || out < 1) {
            throw new IllegalArgumentException("Linear needs positive sizes, got " + in + " -> " + out);
        }
        registerDefault(scope, dtype, in, random, withBias, out, in);
    }

    /** Input features. */
    public int in() {
        return weight().value().dim(1);
    }

    /** Output features. */
    public int out() {
        return weight().value().dim(0);
    }

    @Override
    public Var forward(Var x) {
        return x.linear(weightOn(x), biasOn(x));
    }

    /**
     * This layer followed by a ReLU, as one op ({@link Var#linearRelu}): what {@link Sequential}
     * records for a Linear followed by a {@link ReLU}. {@code kinks} null means the tape's policy.
     */
    public Var forwardRelu(Var x, Kinks kinks) {
        Var w = weightOn(x), b = biasOn(x);
        return kinks == null ? x.linearRelu(w, b) : x.linearRelu(w, b, kinks);
    }

    @Override
    protected String describe() {
        return "Linear(" + in() + ", " + out() + biasFlag() + ")";
    }
}
