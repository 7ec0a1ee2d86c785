package dev.inertia.optim;

import dev.inertia.kernels.Kernels;
import dev.inertia.kernels.OptimizerKernels;
import dev.inertia.memory.Scope;
import dev.inertia.memory.Tensor;
import java.lang.foreign.MemorySegment;
import java.util.LinkedHashMap;
import java.util.Map;

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
 * decoupled weight decay. The learning rate must differ from beta.
 *
 * <p>One step is one pass over theta, psi, v and g: 28 bytes per F32 parameter.
 */
public final class INNAprop extends BaseOptimizer<INNAprop.State> {
    private final double alpha;
    private final double beta;
    private final double sigma;
    private final double eps;

    private INNAprop(Builder b) {
        super(b);
        this.alpha = Steps.finite(b.alpha, "alpha");
        this.beta = Steps.positive(b.beta, "beta");
        this.sigma = Steps.inUnitInterval(b.sigma, "sigma");
        this.eps = Steps.nonNegative(b.eps, "eps");
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

    @Override
    public String name() {
        return "INNAprop";
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
    public void step(Tensor theta, Tensor grad, State st, boolean zeroGrad) {
        Steps.check(theta, grad, st);
        double lr = lr();
        if (lr == beta) {
            throw new IllegalStateException("INNAprop needs lr != beta (it divides by beta - lr); both are " + lr);
        }
        long k = st.advance();
        // The per-step scalars, as innaprop.py computes them.
        double decay = 1 - lr * weightDecay();
        double sqrtBias = Math.sqrt(1 - Math.pow(sigma, k));
        double psiKeep = 1 - lr / beta;
        double psiTheta = lr * (1.0 / beta - alpha);
        double thetaKeep = 1 + (lr * (1 - beta * alpha)) / (beta - lr);
        double thetaPsi = lr / (beta - lr);
        double gradStep = lr * beta;
        Pass pass = st.pass;
        pass.p = st.psi.segment();
        pass.v = st.v.segment();
        pass.decay = decay;
        pass.sigma = sigma;
        pass.oneMinusSigma = 1 - sigma;
        pass.sqrtBias = sqrtBias;
        pass.eps = eps;
        pass.psiKeep = psiKeep;
        pass.psiTheta = psiTheta;
        pass.thetaKeep = thetaKeep;
        pass.thetaPsi = thetaPsi;
        pass.gradStep = gradStep;
        pass.over(theta, grad, zeroGrad);
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

    @Override
    public Map<String, Double> hyperparameters() {
        Map<String, Double> h = new LinkedHashMap<>();
        h.put("lr", lr());
        h.put("alpha", alpha);
        h.put("beta", beta);
        h.put("sigma", sigma);
        h.put("eps", eps);
        h.put("weight_decay", weightDecay());
        return h;
    }

    @Override
    public INNAprop withHyperparameters(Map<String, Double> values) {
        Hyper h = hyper(values);
        return builder().lr(h.get("lr", lr())).alpha(h.get("alpha", alpha)).beta(h.get("beta", beta))
                .sigma(h.get("sigma", sigma)).eps(h.get("eps", eps))
                .weightDecay(h.get("weight_decay", weightDecay())).build();
    }

    /** Reads theta, psi, v, g; writes theta, psi, v. */
    @Override
    int elementsPerStep() {
        return 7;
    }

    /** Hyperparameters of {@link INNAprop}; defaults as in innaprop.py. */
    public static final class Builder extends BaseBuilder<Builder> {
        private double alpha = 0.1;
        private double beta = 0.9;
        private double sigma = 0.999;
        private double eps = 1e-8;

        private Builder() {
            super(1e-3, 0.01);
        }

        /** Viscous damping (INNA's alpha), default 0.1. */
        public Builder alpha(double alpha) {
            this.alpha = alpha;
            return this;
        }

        /** Newton damping (INNA's beta), default 0.9; must be > 0. */
        public Builder beta(double beta) {
            this.beta = beta;
            return this;
        }

        /** Decay of the running mean of g^2 (RMSprop's alpha, Adam's beta2), default 0.999. */
        public Builder sigma(double sigma) {
            this.sigma = sigma;
            return this;
        }

        public Builder eps(double eps) {
            this.eps = eps;
            return this;
        }

        public INNAprop build() {
            return new INNAprop(this);
        }
    }
}
