package dev.inertia.optim;

import dev.inertia.kernels.Kernels;
import dev.inertia.kernels.OptimizerKernels;
import dev.inertia.memory.Scope;
import dev.inertia.memory.Tensor;
import java.lang.foreign.MemorySegment;

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
 * Defaults as PyTorch: lr 0.01, alpha 0.99, eps 1e-8, momentum 0, weight decay 0; its
 * hyperparameters include {@code centered}, always 0. One pass: 20 bytes per F32 parameter, 28
 * with momentum.
 */
public final class RMSprop extends BaseOptimizer<RMSprop.State> {
    private final double alpha;
    private final double eps;
    private final double momentum;

    private RMSprop(Builder b) {
        super(b, RMSprop::builder);
        this.alpha = Steps.inUnitInterval(b.get("alpha"), "alpha");
        this.eps = Steps.nonNegative(b.get("eps"), "eps");
        this.momentum = Steps.nonNegative(b.get("momentum"), "momentum");
        if (b.flag("centered")) {
            throw new IllegalArgumentException("centered RMSprop is not offered");
        }
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
    void check(State st, double lr) {
        Steps.checkMomentumBuffer(name(), momentum, st.buf);
    }

    @Override
    Steps.Pass prepare(State st, double lr, long k) {
        Pass pass = st.pass;
        pass.v = st.v.segment();
        pass.b = st.buf == null ? null : st.buf.segment();
        pass.lr = lr;
        pass.wd = weightDecay();
        pass.alpha = alpha;
        pass.oneMinusAlpha = 1 - alpha;
        pass.eps = eps;
        pass.momentum = momentum;
        return pass;
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

    /** Reads theta, v, g (and the buffer); writes theta, v (and the buffer). */
    @Override
    int elementsPerStep() {
        return momentum != 0 ? 7 : 5;
    }

    /** Hyperparameters of {@link RMSprop}; defaults as torch.optim.RMSprop. */
    public static final class Builder extends BaseBuilder<Builder> {
        private Builder() {
            super("lr", 0.01, "alpha", 0.99, "eps", 1e-8, "momentum", 0, "weight_decay", 0, "centered", 0);
        }

        /** Decay of the running mean of squared gradients, default 0.99. */
        public Builder alpha(double alpha) {
            return set("alpha", alpha);
        }

        public Builder eps(double eps) {
            return set("eps", eps);
        }

        public Builder momentum(double momentum) {
            return set("momentum", momentum);
        }

        public RMSprop build() {
            return new RMSprop(this);
        }
    }
}
