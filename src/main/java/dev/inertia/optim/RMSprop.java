package dev.inertia.optim;

import dev.inertia.kernels.Kernels;
import dev.inertia.kernels.OptimizerKernels;
import dev.inertia.memory.DType;
import dev.inertia.memory.Scope;
import dev.inertia.memory.Tensor;
import java.lang.foreign.MemorySegment;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

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
public final class RMSprop implements TensorOptimizer<RMSprop.State> {
    private static final Set<String> NAMES = Set.of("lr", "alpha", "eps", "momentum", "weight_decay", "centered");

    private volatile double lr;
    private final double alpha;
    private final double eps;
    private final double momentum;
    private final double weightDecay;

    private RMSprop(Builder b) {
        this.lr = Steps.nonNegative(b.lr, "lr");
        this.alpha = Steps.inUnitInterval(b.alpha, "alpha");
        this.eps = Steps.nonNegative(b.eps, "eps");
        this.momentum = Steps.nonNegative(b.momentum, "momentum");
        this.weightDecay = Steps.nonNegative(b.weightDecay, "weightDecay");
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

    @Override
    public double lr() {
        return lr;
    }

    @Override
    public void setLr(double lr) {
        this.lr = Steps.nonNegative(lr, "lr");
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

    public double weightDecay() {
        return weightDecay;
    }

    @Override
    public State init(Tensor theta) {
        return new State(theta, null, momentum != 0);
    }

    @Override
    public State init(Tensor theta, Scope scope) {
        return new State(theta, Objects.requireNonNull(scope, "scope"), momentum != 0);
    }

    @Override
    public void step(Tensor theta, Tensor grad, State st, boolean zeroGrad) {
        Steps.check(theta, grad, st);
        if ((momentum != 0) != (st.buf != null)) {
            throw new IllegalArgumentException("RMSprop state was made for momentum "
                    + (st.buf != null ? "on" : "off") + " but this RMSprop has momentum " + momentum);
        }
        double lr = this.lr;
        st.advance();
        Pass pass = st.pass;
        pass.f32 = theta.dtype() == DType.F32;
        pass.t = theta.segment();
        pass.v = st.v.segment();
        pass.b = st.buf == null ? null : st.buf.segment();
        pass.g = grad.segment();
        pass.lr = lr;
        pass.wd = weightDecay;
        pass.alpha = alpha;
        pass.oneMinusAlpha = 1 - alpha;
        pass.eps = eps;
        pass.momentum = momentum;
        pass.zeroGrad = zeroGrad;
        pass.over(theta.size());
    }

    /** The fused pass of one parameter's step, kept by its state (see {@link Steps.Pass}). */
    private static final class Pass extends Steps.Pass {
        boolean f32, zeroGrad;
        MemorySegment t, v, b, g;
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
        h.put("lr", lr);
        h.put("alpha", alpha);
        h.put("eps", eps);
        h.put("momentum", momentum);
        h.put("weight_decay", weightDecay);
        h.put("centered", 0.0);
        return h;
    }

    @Override
    public RMSprop withHyperparameters(Map<String, Double> values) {
        Hyper h = new Hyper(name(), values, NAMES);
        if (h.flag("centered", false)) {
            throw new IllegalArgumentException("centered RMSprop is not offered");
        }
        return builder().lr(h.get("lr", lr)).alpha(h.get("alpha", alpha)).eps(h.get("eps", eps))
                .momentum(h.get("momentum", momentum)).weightDecay(h.get("weight_decay", weightDecay)).build();
    }

    @Override
    public int bytesPerParameter(DType dtype, boolean zeroGrad) {
        return dtype.byteSize() * ((momentum != 0 ? 7 : 5) + (zeroGrad ? 1 : 0));
    }

    @Override
    public String toString() {
        return name() + hyperparameters();
    }

    /** Hyperparameters of {@link RMSprop}; defaults as torch.optim.RMSprop. */
    public static final class Builder {
        private double lr = 0.01;
        private double alpha = 0.99;
        private double eps = 1e-8;
        private double momentum = 0;
        private double weightDecay = 0;

        private Builder() {}

        public Builder lr(double lr) {
            this.lr = lr;
            return this;
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

        /** L2 penalty added to the gradient (PyTorch's RMSprop weight decay), default 0. */
        public Builder weightDecay(double weightDecay) {
            this.weightDecay = weightDecay;
            return this;
        }

        public RMSprop build() {
            return new RMSprop(this);
        }
    }
}
