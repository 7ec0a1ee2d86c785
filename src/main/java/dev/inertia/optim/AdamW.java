package dev.inertia.optim;

import dev.inertia.kernels.Kernels;
import dev.inertia.kernels.OptimizerKernels;
import dev.inertia.memory.Scope;
import dev.inertia.memory.Tensor;
import java.lang.foreign.MemorySegment;
import java.util.LinkedHashMap;
import java.util.Map;

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
        super(b);
        this.beta1 = Steps.inUnitInterval(b.beta1, "beta1");
        this.beta2 = Steps.inUnitInterval(b.beta2, "beta2");
        this.eps = Steps.nonNegative(b.eps, "eps");
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

    @Override
    public String name() {
        return "AdamW";
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
    public void step(Tensor theta, Tensor grad, State st, boolean zeroGrad) {
        Steps.check(theta, grad, st);
        double lr = lr();
        long k = st.advance();
        double decay = 1 - lr * weightDecay();
        double stepSize = lr / (1 - Math.pow(beta1, k));
        double sqrtBias2 = Math.sqrt(1 - Math.pow(beta2, k));
        Pass pass = st.pass;
        pass.m = st.m.segment();
        pass.v = st.v.segment();
        pass.decay = decay;
        pass.beta1 = beta1;
        pass.oneMinusBeta1 = 1 - beta1;
        pass.beta2 = beta2;
        pass.oneMinusBeta2 = 1 - beta2;
        pass.sqrtBias2 = sqrtBias2;
        pass.eps = eps;
        pass.stepSize = stepSize;
        pass.over(theta, grad, zeroGrad);
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

    @Override
    public Map<String, Double> hyperparameters() {
        Map<String, Double> h = new LinkedHashMap<>();
        h.put("lr", lr());
        h.put("beta1", beta1);
        h.put("beta2", beta2);
        h.put("eps", eps);
        h.put("weight_decay", weightDecay());
        return h;
    }

    @Override
    public AdamW withHyperparameters(Map<String, Double> values) {
        Hyper h = hyper(values);
        return builder().lr(h.get("lr", lr())).beta1(h.get("beta1", beta1)).beta2(h.get("beta2", beta2))
                .eps(h.get("eps", eps)).weightDecay(h.get("weight_decay", weightDecay())).build();
    }

    /** Reads theta, m, v, g; writes theta, m, v. */
    @Override
    int elementsPerStep() {
        return 7;
    }

    /** Hyperparameters of {@link AdamW}; defaults as torch.optim.AdamW. */
    public static final class Builder extends BaseBuilder<Builder> {
        private double beta1 = 0.9;
        private double beta2 = 0.999;
        private double eps = 1e-8;

        private Builder() {
            super(1e-3, 0.01);
        }

        public Builder beta1(double beta1) {
            this.beta1 = beta1;
            return this;
        }

        public Builder beta2(double beta2) {
            this.beta2 = beta2;
            return this;
        }

        public Builder eps(double eps) {
            this.eps = eps;
            return this;
        }

        public AdamW build() {
            return new AdamW(this);
        }
    }
}
