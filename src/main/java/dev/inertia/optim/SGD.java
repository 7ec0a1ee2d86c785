package dev.inertia.optim;

import dev.inertia.kernels.Kernels;
import dev.inertia.kernels.OptimizerKernels;
import dev.inertia.memory.Scope;
import dev.inertia.memory.Tensor;
import java.lang.foreign.MemorySegment;
import java.util.LinkedHashMap;
import java.util.Map;

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
public final class SGD extends BaseOptimizer<SGD.State> {
    private final double momentum;
    private final double dampening;
    private final boolean nesterov;

    private SGD(Builder b) {
        super(b);
        this.momentum = Steps.nonNegative(b.momentum, "momentum");
        this.dampening = Steps.finite(b.dampening, "dampening");
        this.nesterov = b.nesterov;
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

    public double momentum() {
        return momentum;
    }

    public double dampening() {
        return dampening;
    }

    public boolean nesterov() {
        return nesterov;
    }

    /** A zeroed momentum buffer, only with momentum. */
    @Override
    State newState(Tensor theta, Scope scope) {
        return new State(theta, scope, momentum != 0);
    }

    @Override
    public void step(Tensor theta, Tensor grad, State st, boolean zeroGrad) {
        Steps.check(theta, grad, st);
        Steps.checkMomentumBuffer(name(), momentum, st.buf);
        double lr = lr();
        long k = st.advance();
        // PyTorch's first step copies d into the buffer: 0 * (zeroed buffer) + 1 * d.
        double bufKeep = k == 1 ? 0 : momentum;
        double gradScale = k == 1 ? 1 : 1 - dampening;
        Pass pass = st.pass;
        pass.b = st.buf == null ? null : st.buf.segment();
        pass.lr = lr;
        pass.wd = weightDecay();
        pass.m = momentum;
        pass.keep = bufKeep;
        pass.scale = gradScale;
        pass.nesterov = nesterov;
        pass.over(theta, grad, zeroGrad);
    }

    /** The fused pass of one parameter's step, kept by its state (see {@link Steps.Pass}). */
    private static final class Pass extends Steps.Pass {
        boolean nesterov;
        MemorySegment b;
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
        h.put("lr", lr());
        h.put("momentum", momentum);
        h.put("dampening", dampening);
        h.put("nesterov", nesterov ? 1.0 : 0.0);
        h.put("weight_decay", weightDecay());
        return h;
    }

    @Override
    public SGD withHyperparameters(Map<String, Double> values) {
        Hyper h = hyper(values);
        return builder().lr(h.get("lr", lr())).momentum(h.get("momentum", momentum))
                .dampening(h.get("dampening", dampening)).nesterov(h.flag("nesterov", nesterov))
                .weightDecay(h.get("weight_decay", weightDecay())).build();
    }

    /** Reads theta, g (and the buffer); writes theta (and the buffer). */
    @Override
    int elementsPerStep() {
        return momentum != 0 ? 5 : 3;
    }

    /** Hyperparameters of {@link SGD}; defaults as torch.optim.SGD, with lr 0.01. */
    public static final class Builder extends BaseBuilder<Builder> {
        private double momentum = 0;
        private double dampening = 0;
        private boolean nesterov = false;

        private Builder() {
            super(0.01, 0);
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

        public SGD build() {
            return new SGD(this);
        }
    }
}
