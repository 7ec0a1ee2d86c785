package dev.inertia.optim;

import dev.inertia.kernels.Kernels;
import dev.inertia.kernels.OptimizerKernels;
import dev.inertia.memory.Scope;
import dev.inertia.memory.Tensor;
import java.lang.foreign.MemorySegment;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * RMSprop as torch.optim.RMSprop computes it with {@code centered=False} (the centered variant
 * is not offered):
 * <pre>
 * d     = g + wd * theta                            (L2 weight decay, coupled, as PyTorch)
 * v     &lt;- alpha * v + (1 - alpha) * d^2
 * u     = d / (sqrt(v) + eps)                       (no bias correction)
 * buf   &lt;- momentum * buf + u;  u = buf             (only with momentum)
 * theta &lt;- theta - lr * u
 * </pre>
 * Defaults as PyTorch: lr 0.01, alpha 0.99, eps 1e-8, momentum 0, weight decay 0. One pass: 20
 * bytes per F32 parameter, 28 with momentum.
 */
public final class RMSprop extends BaseOptimizer<RMSprop.State> {
    private final double alpha;
    private final double eps;
    private final double momentum;

    private RMSprop(Builder b) {
        super(b);
        this.alpha = Steps.inUnitInterval(b.alpha, "alpha");
        this.eps = Steps.nonNegative(b.eps, "eps");
        this.momentum = Steps.nonNegative(b.momentum, "momentum");
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The state of one parameter: the running mean of d^2 and, with momentum, the momentum buffer. */
    public static final class State extends OptimizerState {
        private final Tensor v;
        private final Tensor buf;
        private final Pass pass = new Pass();

        private State(Tensor theta, Scope scope, boolean withMomentum) {
            super(theta, scope);
            this.v = addBuffer("square_avg");
            this.buf = withMomentum ? addBuffer("momentum_buffer") : null;
        }

        public Tensor v() {
            return v;
        }

        /** The momentum buffer, or null without momentum. */
        public Tensor momentumBuffer() {
            return buf;
        }
    }

    @Override
    public String name() {
        return "RMSprop";
    }

    public double alpha() {
        return alpha;
    }

    public double eps() {
        return eps;
    }

    public double momentum() {
        return momentum;
    }

    /** v0 = 0 and, with momentum, a zeroed momentum buffer. */
    @Override
    State newState(Tensor theta, Scope scope) {
        return new State(theta, scope, momentum != 0);
    }

    @Override
    public void step(Tensor theta, Tensor grad, State st, boolean zeroGrad) {
        Steps.check(theta, grad, st);
        Steps.checkMomentumBuffer(name(), momentum, st.buf);
        double lr = lr();
        st.advance();
        Pass pass = st.pass;
        pass.v = st.v.segment();
        pass.b = st.buf == null ? null : st.buf.segment();
        pass.lr = lr;
        pass.wd = weightDecay();
        pass.alpha = alpha;
        pass.oneMinusAlpha = 1 - alpha;
        pass.eps = eps;
        pass.momentum = momentum;
        pass.over(theta, grad, zeroGrad);
    }

    /** The fused pass of one parameter's step, kept by its state (see {@link Steps.Pass}). */
    private static final class Pass extends Steps.Pass {
        MemorySegment v, b;
        double lr, wd, alpha, oneMinusAlpha, eps, momentum;

        @Override
        void range(long off, int n) {
            OptimizerKernels k = Kernels.optimizers();
            if (f32) {
                k.rmspropF32(t, off, v, off, b, off, g, off, n, (float) lr, (float) wd, (float) alpha,
                        (float) oneMinusAlpha, (float) eps, (float) momentum, zeroGrad);
            } else {
                k.rmspropF64(t, off, v, off, b, off, g, off, n, lr, wd, alpha, oneMinusAlpha, eps, momentum, zeroGrad);
            }
        }
    }

    /** {@inheritDoc} Includes {@code centered}, always 0. */
    @Override
    public Map<String, Double> hyperparameters() {
        Map<String, Double> h = new LinkedHashMap<>();
        h.put("lr", lr());
        h.put("alpha", alpha);
        h.put("eps", eps);
        h.put("momentum", momentum);
        h.put("weight_decay", weightDecay());
        h.put("centered", 0.0);
        return h;
    }

    @Override
    public RMSprop withHyperparameters(Map<String, Double> values) {
        Hyper h = hyper(values);
        if (h.flag("centered", false)) {
            throw new IllegalArgumentException("centered RMSprop is not offered");
        }
        return builder().lr(h.get("lr", lr())).alpha(h.get("alpha", alpha)).eps(h.get("eps", eps))
                .momentum(h.get("momentum", momentum)).weightDecay(h.get("weight_decay", weightDecay())).build();
    }

    /** Reads theta, v, g (and the buffer); writes theta, v (and the buffer). */
    @Override
    int elementsPerStep() {
        return momentum != 0 ? 7 : 5;
    }

    /** Hyperparameters of {@link RMSprop}; defaults as torch.optim.RMSprop. */
    public static final class Builder extends BaseBuilder<Builder> {
        private double alpha = 0.99;
        private double eps = 1e-8;
        private double momentum = 0;

        private Builder() {
            super(0.01, 0);
        }

        /** Decay of the running mean of squared gradients, default 0.99. */
        public Builder alpha(double alpha) {
            this.alpha = alpha;
            return this;
        }

        public Builder eps(double eps) {
            this.eps = eps;
            return this;
        }

        public Builder momentum(double momentum) {
            this.momentum = momentum;
            return this;
        }

        public RMSprop build() {
            return new RMSprop(this);
        }
    }
}
