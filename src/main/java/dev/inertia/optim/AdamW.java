package dev.inertia.optim;

import dev.inertia.kernels.Kernels;
import dev.inertia.kernels.OptimizerKernels;
import dev.inertia.memory.Scope;
import dev.inertia.memory.Tensor;
import java.lang.foreign.MemorySegment;

/**
 * AdamW as torch.optim.AdamW computes it (amsgrad off), step k = 1, 2, ...:
 * <pre>
 * theta &lt;- (1 - lr*wd) * theta
 * m     &lt;- beta1*m + (1 - beta1)*g
 * v     &lt;- beta2*v + (1 - beta2)*g^2
 * theta &lt;- theta - lr/(1 - beta1^k) * m / (sqrt(v)/sqrt(1 - beta2^k) + eps)
 * </pre>
 * Defaults as PyTorch: lr 1e-3, betas (0.9, 0.999), eps 1e-8, weight decay 0.01. One pass over
 * theta, m, v and g: 28 bytes per F32 parameter.
 */
public final class AdamW extends BaseOptimizer<AdamW.State> {
    private final double beta1;
    private final double beta2;
    private final double eps;

    private AdamW(Builder b) {
        super(b, AdamW::builder);
        this.beta1 = Steps.inUnitInterval(b.get("beta1"), "beta1");
        this.beta2 = Steps.inUnitInterval(b.get("beta2"), "beta2");
        this.eps = Steps.nonNegative(b.get("eps"), "eps");
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The state of one parameter: the running means of g and of g^2. */
    public static final class State extends OptimizerState {
        private final Tensor m;
        private final Tensor v;
        private final Pass pass = new Pass();

        private State(Tensor theta, Scope scope) {
            super(theta, scope);
            this.m = addBuffer("exp_avg");
            this.v = addBuffer("exp_avg_sq");
        }

        public Tensor m() {
            return m;
        }

        public Tensor v() {
            return v;
        }
    }

    public double beta1() {
        return beta1;
    }

    public double beta2() {
        return beta2;
    }

    public double eps() {
        return eps;
    }

    /** m0 = v0 = 0. */
    @Override
    State newState(Tensor theta, Scope scope) {
        return new State(theta, scope);
    }

    @Override
    Steps.Pass prepare(State st, double lr, long k) {
        Pass pass = st.pass;
        pass.m = st.m.segment();
        pass.v = st.v.segment();
        pass.decay = 1 - lr * weightDecay();
        pass.beta1 = beta1;
        pass.oneMinusBeta1 = 1 - beta1;
        pass.beta2 = beta2;
        pass.oneMinusBeta2 = 1 - beta2;
        pass.sqrtBias2 = Math.sqrt(1 - Math.pow(beta2, k));
        pass.eps = eps;
        pass.stepSize = lr / (1 - Math.pow(beta1, k));
        return pass;
    }

    /** The fused pass of one parameter's step, kept by its state (see {@link Steps.Pass}). */
    private static final class Pass extends Steps.Pass {
        MemorySegment m, v;
        double decay, beta1, oneMinusBeta1, beta2, oneMinusBeta2, sqrtBias2, eps, stepSize;

        @Override
        void range(long off, int n) {
            OptimizerKernels k = Kernels.optimizers();
            if (f32) {
                k.adamwF32(t, off, m, off, v, off, g, off, n, (float) decay, (float) beta1, (float) oneMinusBeta1,
                        (float) beta2, (float) oneMinusBeta2, (float) sqrtBias2, (float) eps, (float) stepSize,
                        zeroGrad);
            } else {
                k.adamwF64(t, off, m, off, v, off, g, off, n, decay, beta1, oneMinusBeta1, beta2, oneMinusBeta2,
                        sqrtBias2, eps, stepSize, zeroGrad);
            }
        }
    }

    /** Reads theta, m, v, g; writes theta, m, v. */
    @Override
    int elementsPerStep() {
        return 7;
    }

    /** Hyperparameters of {@link AdamW}; defaults as torch.optim.AdamW. */
    public static final class Builder extends BaseBuilder<Builder> {
        private Builder() {
            super("lr", 1e-3, "beta1", 0.9, "beta2", 0.999, "eps", 1e-8, "weight_decay", 0.01);
        }

        public Builder beta1(double beta1) {
            return set("beta1", beta1);
        }

        public Builder beta2(double beta2) {
            return set("beta2", beta2);
        }

        public Builder eps(double eps) {
            return set("eps", eps);
        }

        public AdamW build() {
            return new AdamW(this);
        }
    }
}
