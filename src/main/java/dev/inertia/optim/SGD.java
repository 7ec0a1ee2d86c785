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
 * Stochastic gradient descent as torch.optim.SGD computes it:
 * <pre>
 * d     = g + wd * theta                          (L2 weight decay, coupled, as PyTorch)
 * buf   &lt;- momentum * buf + (1 - dampening) * d   (buf = d on the first step)
 * d     = nesterov ? d + momentum * buf : buf      (only with momentum)
 * theta &lt;- theta - lr * d
 * </pre>
 * Defaults: lr 0.01 (PyTorch has none), momentum 0, dampening 0, nesterov off, weight decay 0.
 * Nesterov needs momentum > 0 and dampening 0, as in PyTorch. One pass: 20 bytes per F32
 * parameter with momentum, 12 without.
 */
public final class SGD implements TensorOptimizer<SGD.State> {
    private static final Set<String> NAMES = Set.of("lr", "momentum", "dampening", "nesterov", "weight_decay");

    private volatile double lr;
    private final double momentum;
    private final double dampening;
    private final boolean nesterov;
    private final double weightDecay;

    private SGD(Builder b) {
        this.lr = Steps.nonNegative(b.lr, "lr");
        this.momentum = Steps.nonNegative(b.momentum, "momentum");
        this.dampening = Steps.finite(b.dampening, "dampening");
        this.nesterov = b.nesterov;
        this.weightDecay = Steps.nonNegative(b.weightDecay, "weightDecay");
        if (nesterov && (momentum <= 0 || dampening != 0)) {
            throw new IllegalArgumentException("Nesterov momentum requires a momentum > 0 and zero dampening, got "
                    + "momentum " + momentum + ", dampening " + dampening);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The state of one parameter: the momentum buffer, present only when momentum != 0. */
    public static final class State extends OptimizerState {
        private final Tensor buf;
        private final Pass pass = new Pass();

        private State(Tensor theta, Scope scope, boolean withMomentum) {
            super(theta, scope);
            this.buf = withMomentum ? addBuffer("momentum_buffer") : null;
        }

        /** The momentum buffer, or null without momentum. */
        public Tensor momentumBuffer() {
            return buf;
        }
    }

    @Override
    public String name() {
        return "SGD";
    }

    @Override
    public double lr() {
        return lr;
    }

    @Override
    public void setLr(double lr) {
        this.lr = Steps.nonNegative(lr, "lr");
    }

    public double momentum() {
        return momentum;
    }

    public double dampening() {
        return dampening;
    }

    public boolean nesterov() {
        return nesterov;
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
            throw new IllegalArgumentException("SGD state was made for momentum " + (st.buf != null ? "on" : "off")
                    + " but this SGD has momentum " + momentum);
        }
        double lr = this.lr;
        long k = st.advance();
        // PyTorch's first step copies d into the buffer: 0 * (zeroed buffer) + 1 * d.
        double bufKeep = k == 1 ? 0 : momentum;
        double gradScale = k == 1 ? 1 : 1 - dampening;
        Pass pass = st.pass;
        pass.f32 = theta.dtype() == DType.F32;
        pass.t = theta.segment();
        pass.b = st.buf == null ? null : st.buf.segment();
        pass.g = grad.segment();
        pass.lr = lr;
        pass.wd = weightDecay;
        pass.m = momentum;
        pass.keep = bufKeep;
        pass.scale = gradScale;
        pass.nesterov = nesterov;
        pass.zeroGrad = zeroGrad;
        pass.over(theta.size());
    }

    /** The fused pass of one parameter's step, kept by its state (see {@link Steps.Pass}). */
    private static final class Pass extends Steps.Pass {
        boolean f32, nesterov, zeroGrad;
        MemorySegment t, b, g;
        double lr, wd, m, keep, scale;

        @Override
        void range(long off, int n) {
            OptimizerKernels k = Kernels.optimizers();
            if (f32) {
                k.sgdF32(t, off, b, off, g, off, n, (float) lr, (float) wd, (float) m, (float) keep, (float) scale,
                        nesterov, zeroGrad);
            } else {
                k.sgdF64(t, off, b, off, g, off, n, lr, wd, m, keep, scale, nesterov, zeroGrad);
            }
        }
    }

    @Override
    public Map<String, Double> hyperparameters() {
        Map<String, Double> h = new LinkedHashMap<>();
        h.put("lr", lr);
        h.put("momentum", momentum);
        h.put("dampening", dampening);
        h.put("nesterov", nesterov ? 1.0 : 0.0);
        h.put("weight_decay", weightDecay);
        return h;
    }

    @Override
    public SGD withHyperparameters(Map<String, Double> values) {
        Hyper h = new Hyper(name(), values, NAMES);
        return builder().lr(h.get("lr", lr)).momentum(h.get("momentum", momentum))
                .dampening(h.get("dampening", dampening)).nesterov(h.flag("nesterov", nesterov))
                .weightDecay(h.get("weight_decay", weightDecay)).build();
    }

    @Override
    public int bytesPerParameter(DType dtype, boolean zeroGrad) {
        return dtype.byteSize() * ((momentum != 0 ? 5 : 3) + (zeroGrad ? 1 : 0));
    }

    @Override
    public String toString() {
        return name() + hyperparameters();
    }

    /** Hyperparameters of {@link SGD}; defaults as torch.optim.SGD, with lr 0.01. */
    public static final class Builder {
        private double lr = 0.01;
        private double momentum = 0;
        private double dampening = 0;
        private boolean nesterov = false;
        private double weightDecay = 0;

        private Builder() {}

        public Builder lr(double lr) {
            this.lr = lr;
            return this;
        }

        public Builder momentum(double momentum) {
            this.momentum = momentum;
            return this;
        }

        public Builder dampening(double dampening) {
            this.dampening = dampening;
            return this;
        }

        public Builder nesterov(boolean nesterov) {
            this.nesterov = nesterov;
            return this;
        }

        /** L2 penalty added to the gradient (PyTorch's SGD weight decay), default 0. */
        public Builder weightDecay(double weightDecay) {
            this.weightDecay = weightDecay;
            return this;
        }

        public SGD build() {
            return new SGD(this);
        }
    }
}
