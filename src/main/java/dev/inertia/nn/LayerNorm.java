package dev.inertia.nn;

import dev.inertia.autodiff.Var;
import dev.inertia.memory.DType;
import dev.inertia.memory.Scope;
import java.util.Arrays;

/**
 * Layer normalization over the last axis of size {@code normalizedSize} with an elementwise
 * affine map, as PyTorch's {@code LayerNorm(normalizedSize, eps)}: each row (sample or token)
 * is normalized with its own mean and biased variance, the same in training and evaluation
 * mode (no running statistics). Parameters {@code weight} (gamma, initialized to 1) and
 * {@code bias} (beta, 0), both {@code [normalizedSize]}.
 */
public final class LayerNorm extends Weighted {
    private final int normalizedSize;
    private final double eps;

    /** eps 1e-5, as PyTorch. */
    public LayerNorm(Scope scope, DType dtype, int normalizedSize) {
        this(scope, dtype, normalizedSize, 1e-5);
    }

    public LayerNorm(Scope scope, DType dtype, int normalizedSize, double eps) {
        if (normalizedSize < 1 || !(eps > 0)) {
            throw new IllegalArgumentException("LayerNorm needs normalizedSize >= 1 and eps > 0, got " + normalizedSize
                    + ", " + eps);
        }
        this.normalizedSize = normalizedSize;
        this.eps = eps;
        registerIdentity(scope, dtype, normalizedSize);
    }

    /** The size of the last axis it normalizes. */
    public int normalizedSize() {
        return normalizedSize;
    }

    public double eps() {
        return eps;
    }

    @Override
    public Var forward(Var x) {
        int[] s = x.shape();
        if (s.length < 1 || s[s.length - 1] != normalizedSize) {
            throw new IllegalArgumentException(describe() + " needs a last axis of " + normalizedSize + ", got "
                    + Arrays.toString(s));
        }
        return x.layerNorm(weightOn(x), biasOn(x), eps);
    }

    @Override
    protected String describe() {
        return "LayerNorm((" + normalizedSize + ",), eps=" + eps + ")";
    }
}
