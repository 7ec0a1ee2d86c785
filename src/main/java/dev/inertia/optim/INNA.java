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
 * INNA, the inertial Newton algorithm (Castera, Bolte, Févotte, Pauwels 2021), as the INNAprop
 * repository's inna.py computes it, decoupled weight decay first:
 * <pre>
 * theta &lt;- (1 - lr*wd) * theta
 * phase =  (alpha - 1/beta) * theta + psi/beta
 * psi   &lt;- psi - lr * phase
 * theta &lt;- theta - lr * (phase + beta * g)
 * init: psi0 = (1 - alpha*beta) * theta0
 * </pre>
 * Defaults as inna.py: lr 0.01, alpha 0.1, beta 0.1, weight decay 0. The paper's step sizes
 * decrease as lr/sqrt(epoch + 1): {@link LrSchedule#inverseSqrt()}. One step reads theta, psi and
 * g and writes theta and psi: 20 bytes per F32 parameter.
 */
public final class INNA implements TensorOptimizer<INNA.State> {
    private static final Set<String> NAMES = Set.of("lr", "alpha", "beta", "weight_decay");

    private volatile double lr;
    private final double alpha;
    private final double beta;
    private final double weightDecay;

    private INNA(Builder b) {
        this.lr = Steps.nonNegative(b.lr, "lr");
        this.alpha = Steps.finite(b.alpha, "alpha");
        this.beta = Steps.positive(b.beta, "beta");
        this.weightDecay = Steps.nonNegative(b.weightDecay, "weightDecay");
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The state of one parameter: psi, the inertial variable. */
    public static final class State extends OptimizerState {
        private final Tensor psi;
        private final Pass pass = new Pass();

        private State(Tensor theta, Scope scope, double alpha, double beta) {
            super(theta, scope);
            this.psi = addBuffer("psi");
            Steps.scaled(theta, 1 - alpha * beta, psi);
        }

        public Tensor psi() {
            return psi;
        }
    }

    @Override
    public String name() {
        return "INNA";
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

    public double beta() {
        return beta;
    }

    public double weightDecay() {
        return weightDecay;
    }

    /** {@inheritDoc} psi0 = (1 - alpha*beta) * theta0. */
    @Override
    public State init(Tensor theta) {
        return new State(theta, null, alpha, beta);
    }

    @Override
    public State init(Tensor theta, Scope scope) {
        return new State(theta, Objects.requireNonNull(scope, "scope"), alpha, beta);
    }

    @Override
    public void step(Tensor theta, Tensor grad, State st, boolean zeroGrad) {
        Steps.check(theta, grad, st);
        double lr = this.lr;
        st.advance();
        double decay = 1 - lr * weightDecay;
        double invBeta = 1 / beta;
        double phaseTheta = alpha - invBeta;
        Pass pass = st.pass;
        pass.f32 = theta.dtype() == DType.F32;
        pass.t = theta.segment();
        pass.p = st.psi.segment();
        pass.g = grad.segment();
        pass.decay = decay;
        pass.phaseTheta = phaseTheta;
        pass.invBeta = invBeta;
        pass.lr = lr;
        pass.beta = beta;
        pass.zeroGrad = zeroGrad;
        pass.over(theta.size());
    }

    /** The fused pass of one parameter's step, kept by its state (see {@link Steps.Pass}). */
    private static final class Pass extends Steps.Pass {
        boolean f32, zeroGrad;
        MemorySegment t, p, g;
        double decay, phaseTheta, invBeta, lr, beta;

        @Override
        void range(long off, int n) {
            OptimizerKernels k = Kernels.optimizers();
            if (f32) {
                k.innaF32(t, off, p, off, g, off, n, (float) decay, (float) phaseTheta, (float) invBeta, (float) lr,
                        (float) beta, zeroGrad);
            } else {
                k.innaF64(t, off, p, off, g, off, n, decay, phaseTheta, invBeta, lr, beta, zeroGrad);
            }
        }
    }

    @Override
    public Map<String, Double> hyperparameters() {
        Map<String, Double> h = new LinkedHashMap<>();
        h.put("lr", lr);
        h.put("alpha", alpha);
        h.put("beta", beta);
        h.put("weight_decay", weightDecay);
        return h;
    }

    @Override
    public INNA withHyperparameters(Map<String, Double> values) {
        Hyper h = new Hyper(name(), values, NAMES);
        return builder().lr(h.get("lr", lr)).alpha(h.get("alpha", alpha)).beta(h.get("beta", beta))
                .weightDecay(h.get("weight_decay", weightDecay)).build();
    }

    @Override
    public int bytesPerParameter(DType dtype, boolean zeroGrad) {
        return dtype.byteSize() * (zeroGrad ? 6 : 5);
    }

    @Override
    public String toString() {
        return name() + hyperparameters();
    }

    /** Hyperparameters of {@link INNA}; defaults as in the INNAprop repository's inna.py. */
    public static final class Builder {
        private double lr = 0.01;
        private double alpha = 0.1;
        private double beta = 0.1;
        private double weightDecay = 0;

        private Builder() {}

        public Builder lr(double lr) {
            this.lr = lr;
            return this;
        }

        public Builder alpha(double alpha) {
            this.alpha = alpha;
            return this;
        }

        /** Must be > 0. */
        public Builder beta(double beta) {
            this.beta = beta;
            return this;
        }

        /** Decoupled weight decay, default 0. */
        public Builder weightDecay(double weightDecay) {
            this.weightDecay = weightDecay;
            return this;
        }

        public INNA build() {
            return new INNA(this);
        }
    }
}
