package dev.inertia.optim;

import dev.inertia.kernels.Kernels;
import dev.inertia.kernels.OptimizerKernels;
import dev.inertia.memory.Scope;
import dev.inertia.memory.Tensor;
import java.lang.foreign.MemorySegment;

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
 * g and writes theta and psi: 20 bytes per F32 parameter. The learning rate must stay below beta
 * (the discretization's step condition): the builder and every step refuse lr &gt;= beta.
 */
public final class INNA extends BaseOptimizer<INNA.State> {
    private final double alpha;
    private final double beta;

    private INNA(Builder b) {
        super(b, INNA::builder);
        this.alpha = Steps.finite(b.get("alpha"), "alpha");
        this.beta = Steps.positive(b.get("beta"), "beta");
        if (!(lr() < beta)) {
            throw new IllegalArgumentException(INNAprop.belowBeta("INNA", lr(), beta));
        }
    }

    @Override
    void check(State st, double lr) {
        if (!(lr < beta)) { // a schedule raised it after build
            throw new IllegalStateException(INNAprop.belowBeta("INNA", lr, beta));
        }
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

    public double alpha() {
        return alpha;
    }

    public double beta() {
        return beta;
    }

    /** psi0 = (1 - alpha*beta) * theta0. */
    @Override
    State newState(Tensor theta, Scope scope) {
        return new State(theta, scope, alpha, beta);
    }

    @Override
    Steps.Pass prepare(State st, double lr, long k) {
        Pass pass = st.pass;
        pass.p = st.psi.segment();
        pass.decay = 1 - lr * weightDecay();
        pass.invBeta = 1 / beta;
        pass.phaseTheta = alpha - pass.invBeta;
        pass.lr = lr;
        pass.beta = beta;
        return pass;
    }

    /** The fused pass of one parameter's step, kept by its state (see {@link Steps.Pass}). */
    private static final class Pass extends Steps.Pass {
        MemorySegment p;
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

    /** Reads theta, psi, g; writes theta, psi. */
    @Override
    int elementsPerStep() {
        return 5;
    }

    /** Hyperparameters of {@link INNA}; defaults as in the INNAprop repository's inna.py. */
    public static final class Builder extends BaseBuilder<Builder> {
        private Builder() {
            super("lr", 0.01, "alpha", 0.1, "beta", 0.1, "weight_decay", 0);
        }

        public Builder alpha(double alpha) {
            return set("alpha", alpha);
        }

        /** Must be > 0 and above the learning rate. */
        public Builder beta(double beta) {
            return set("beta", beta);
        }

        public INNA build() {
            return new INNA(this);
        }
    }
}
