package dev.inertia.optim;

import dev.inertia.kernels.Kernels;
import dev.inertia.kernels.OptimizerKernels;
import dev.inertia.memory.Scope;
import dev.inertia.memory.Tensor;
import java.lang.foreign.MemorySegment;

/**
 * INNAprop (Bolte, Boustany, Pauwels, Purica 2024): INNA's inertial Newton dynamics with RMSprop
 * scaling, computed as the official implementation (innaprop.py) does, in its operation order.
 * Step k = 1, 2, ... with gradient g taken at theta before the step:
 * <pre>
 * theta &lt;- (1 - lr*wd) * theta                                   decoupled weight decay, first
 * v     &lt;- sigma*v + (1 - sigma) * g^2
 * den   =  sqrt(v) / sqrt(1 - sigma^k) + eps
 * psi   &lt;- (1 - lr/beta) * psi + lr*(1/beta - alpha) * theta
 * theta &lt;- (1 + lr*(1 - alpha*beta)/(beta - lr)) * theta - lr/(beta - lr) * psi - lr*beta * g/den
 * init: psi0 = (1 - alpha*beta) * theta0, v0 = 0
 * </pre>
 * Defaults: lr 1e-3, alpha 0.1, beta 0.9, sigma 0.999, eps 1e-8, weight decay 0.01. With
 * alpha*beta = 1, psi stays 0 and this is bias-corrected RMSprop with learning rate lr*beta plus
 * decoupled weight decay. The learning rate must stay below beta (the method's step condition;
 * at lr = beta it divides by zero, above it psi's factor 1 - lr/beta turns negative): the builder
 * refuses lr &gt;= beta and so does every step, whatever a schedule set.
 *
 * <p>One step is one pass over theta, psi, v and g: 28 bytes per F32 parameter.
 */
public final class INNAprop extends BaseOptimizer<INNAprop.State> {
    private final double alpha;
    private final double beta;
    private final double sigma;
    private final double eps;

    private INNAprop(Builder b) {
        super(b, INNAprop::builder);
        this.alpha = Steps.finite(b.get("alpha"), "alpha");
        this.beta = Steps.positive(b.get("beta"), "beta");
        this.sigma = Steps.inUnitInterval(b.get("sigma"), "sigma");
        this.eps = Steps.nonNegative(b.get("eps"), "eps");
        if (!(lr() < beta)) {
            throw new IllegalArgumentException(belowBeta("INNAprop", lr(), beta));
        }
    }

    /** The refusal of a learning rate at or above beta, shared with {@link INNA}. */
    static String belowBeta(String name, double lr, double beta) {
        return name + " needs the learning rate below beta: lr " + lr + " >= beta " + beta;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The state of one parameter: psi (the inertial variable) and v (the running mean of g^2). */
    public static final class State extends OptimizerState {
        private final Tensor psi;
        private final Tensor v;
        private final Pass pass = new Pass();

        private State(Tensor theta, Scope scope, double alpha, double beta) {
            super(theta, scope);
            this.psi = addBuffer("psi");
            this.v = addBuffer("exp_avg_sq");
            Steps.scaled(theta, 1 - alpha * beta, psi);
        }

        public Tensor psi() {
            return psi;
        }

        public Tensor v() {
            return v;
        }
    }

    public double alpha() {
        return alpha;
    }

    public double beta() {
        return beta;
    }

    public double sigma() {
        return sigma;
    }

    public double eps() {
        return eps;
    }

    /** psi0 = (1 - alpha*beta) * theta0, v0 = 0. */
    @Override
    State newState(Tensor theta, Scope scope) {
        return new State(theta, scope, alpha, beta);
    }

    @Override
    void check(State st, double lr) {
        if (!(lr < beta)) { // a schedule raised it after build
            throw new IllegalStateException(belowBeta("INNAprop", lr, beta));
        }
    }

    @Override
    Steps.Pass prepare(State st, double lr, long k) {
        // The per-step scalars, as innaprop.py computes them.
        Pass pass = st.pass;
        pass.p = st.psi.segment();
        pass.v = st.v.segment();
        pass.decay = 1 - lr * weightDecay();
        pass.sigma = sigma;
        pass.oneMinusSigma = 1 - sigma;
        pass.sqrtBias = Math.sqrt(1 - Math.pow(sigma, k));
        pass.eps = eps;
        pass.psiKeep = 1 - lr / beta;
        pass.psiTheta = lr * (1.0 / beta - alpha);
        pass.thetaKeep = 1 + (lr * (1 - beta * alpha)) / (beta - lr);
        pass.thetaPsi = lr / (beta - lr);
        pass.gradStep = lr * beta;
        return pass;
    }

    /** The fused pass of one parameter's step, kept by its state (see {@link Steps.Pass}). */
    private static final class Pass extends Steps.Pass {
        MemorySegment p, v;
        double decay, sigma, oneMinusSigma, sqrtBias, eps, psiKeep, psiTheta, thetaKeep, thetaPsi, gradStep;

        @Override
        void range(long off, int n) {
            OptimizerKernels k = Kernels.optimizers();
            if (f32) {
                k.innapropF32(t, off, p, off, v, off, g, off, n, (float) decay, (float) sigma, (float) oneMinusSigma,
                        (float) sqrtBias, (float) eps, (float) psiKeep, (float) psiTheta, (float) thetaKeep,
                        (float) thetaPsi, (float) gradStep, zeroGrad);
            } else {
                k.innapropF64(t, off, p, off, v, off, g, off, n, decay, sigma, oneMinusSigma, sqrtBias, eps, psiKeep,
                        psiTheta, thetaKeep, thetaPsi, gradStep, zeroGrad);
            }
        }
    }

    /** Reads theta, psi, v, g; writes theta, psi, v. */
    @Override
    int elementsPerStep() {
        return 7;
    }

    /** Hyperparameters of {@link INNAprop}; defaults as in innaprop.py. */
    public static final class Builder extends BaseBuilder<Builder> {
        private Builder() {
            super("lr", 1e-3, "alpha", 0.1, "beta", 0.9, "sigma", 0.999, "eps", 1e-8, "weight_decay", 0.01);
        }

        /** Viscous damping (INNA's alpha), default 0.1. */
        public Builder alpha(double alpha) {
            return set("alpha", alpha);
        }

        /** Newton damping (INNA's beta), default 0.9; must be > 0 and above the learning rate. */
        public Builder beta(double beta) {
            return set("beta", beta);
        }

        /** Decay of the running mean of g^2 (RMSprop's alpha, Adam's beta2), default 0.999. */
        public Builder sigma(double sigma) {
            return set("sigma", sigma);
        }

        public Builder eps(double eps) {
            return set("eps", eps);
        }

        public INNAprop build() {
            return new INNAprop(this);
        }
    }
}
