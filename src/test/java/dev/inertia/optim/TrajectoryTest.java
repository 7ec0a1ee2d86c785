package dev.inertia.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.inertia.memory.Scope;
import dev.inertia.memory.Tensor;
import java.util.function.LongToDoubleFunction;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * F64 trajectories of the raw-tensor optimizers against {@link Reference}, the independent
 * re-implementation from the official formulas: relative error at most 1e-12 after every step.
 * Sizes 37 (vector tails) and, for INNAprop and AdamW, 66001 (split over the pool's threads).
 */
class TrajectoryTest {
    private static final int STEPS = 25;
    private static final double TOL = 1e-12;
    private static final int[] SIZES = {37, 66_001};
    private static final int[] SMALL_SIZES = {37, 1000};

    /** The largest relative error seen, reported after all tests. */
    private static double worst;

    private static double worst(double err) {
        worst = Math.max(worst, err);
        return err;
    }

    @AfterAll
    static void report() {
        System.out.println("largest relative error against the reference trajectories: " + worst);
    }

    private static LongToDoubleFunction constant(double lr) {
        return k -> lr;
    }

    /** A learning rate that changes at every step. */
    private static LongToDoubleFunction wobbling(double lr) {
        return k -> lr * (1 + 0.5 * Math.sin(k));
    }

    @Test
    void innapropFirstStepOfTheIssue() {
        try (Scope scope = Scope.open()) {
            Tensor theta = Tensor.of(scope, new double[] {1});
            Tensor grad = Tensor.of(scope, new double[] {1.5});
            INNAprop opt = INNAprop.builder().build();
            opt.step(theta, grad, opt.init(theta));
            assertEquals(0.9990899898948888, theta.getDouble(0), Math.ulp(0.9990899898948888));
        }
    }

    private void innaprop(String what, double alpha, double beta, double wd, LongToDoubleFunction lr, int n) {
        long seed = what.hashCode();
        double sigma = 0.999, eps = 1e-8;
        double[] ref = Reference.start(n, seed);
        double[] psi = ref.clone();
        for (int i = 0; i < n; i++) {
            psi[i] *= 1 - alpha * beta;
        }
        double[] v = new double[n];
        try (Scope scope = Scope.open()) {
            Tensor theta = Tensor.of(scope, ref.clone());
            Tensor grad = Tensor.zeros(scope, theta.dtype(), n);
            INNAprop opt = INNAprop.builder().lr(lr.applyAsDouble(1)).alpha(alpha).beta(beta).sigma(sigma).eps(eps)
                    .weightDecay(wd).build();
            INNAprop.State st = opt.init(theta, scope);
            for (long k = 1; k <= STEPS; k++) {
                double[] g = Reference.grad(ref);
                Reference.innaprop(ref, psi, v, g, k, lr.applyAsDouble(k), alpha, beta, sigma, eps, wd);
                stepBoth(opt, st, theta, grad, lr.applyAsDouble(k), ref,
                        what + " n=" + n + " step " + k + ", seed " + seed);
            }
            assertTrue(Reference.relativeError(st.psi().toDoubleArray(), psi) <= TOL, what + " psi");
            assertEquals(STEPS, st.step());
        }
    }

    @Test
    void innapropDefaultsWithWeightDecay() {
        for (int n : SIZES) {
            innaprop("defaults", 0.1, 0.9, 0.01, constant(1e-3), n);
        }
    }

    @Test
    void innapropLearningRateChangingEveryStep() {
        for (int n : SIZES) {
            innaprop("wobbling lr", 0.1, 0.9, 0.01, wobbling(3e-3), n);
        }
    }

    @Test
    void innapropAlpha2Beta2() {
        for (int n : SIZES) {
            innaprop("(2,2)", 2, 2, 0.01, wobbling(0.02), n);
        }
    }

    @Test
    void innapropAlphaBetaOne() {
        for (int n : SIZES) {
            innaprop("alpha*beta=1", 2, 0.5, 0.01, wobbling(0.01), n);
        }
    }

    /** With alpha*beta = 1, INNAprop is bias-corrected RMSprop at lr*beta plus decoupled weight decay. */
    @Test
    void innapropWithAlphaBetaOneIsRmspropAtLrTimesBeta() {
        int n = 37;
        double alpha = 4, beta = 0.25, sigma = 0.99, eps = 1e-8, wd = 0.05;
        LongToDoubleFunction lr = wobbling(0.01);
        double[] ref = Reference.start(n, 5);
        double[] v = new double[n];
        try (Scope scope = Scope.open()) {
            Tensor theta = Tensor.of(scope, ref.clone());
            Tensor grad = Tensor.zeros(scope, theta.dtype(), n);
            INNAprop opt = INNAprop.builder().alpha(alpha).beta(beta).sigma(sigma).eps(eps).weightDecay(wd).build();
            INNAprop.State st = opt.init(theta);
            for (long k = 1; k <= STEPS; k++) {
                double[] g = Reference.grad(ref);
                Reference.rmspropBiasCorrected(ref, v, g, k, lr.applyAsDouble(k), lr.applyAsDouble(k) * beta, sigma,
                        eps, wd);
                stepBoth(opt, st, theta, grad, lr.applyAsDouble(k), ref, "step " + k);
                for (double p : st.psi().toDoubleArray()) {
                    assertEquals(0.0, p, 0.0, "psi stays 0 when alpha*beta = 1");
                }
            }
        }
    }

    @Test
    void innaTrajectory() {
        for (int n : SMALL_SIZES) {
            for (double[] ab : new double[][] {{0.1, 0.1}, {2, 2}, {0.5, 2}}) {
                double alpha = ab[0], beta = ab[1], wd = 0.01;
                LongToDoubleFunction lr = wobbling(0.01);
                double[] ref = Reference.start(n, 11);
                double[] psi = ref.clone();
                for (int i = 0; i < n; i++) {
                    psi[i] *= 1 - alpha * beta;
                }
                try (Scope scope = Scope.open()) {
                    Tensor theta = Tensor.of(scope, ref.clone());
                    Tensor grad = Tensor.zeros(scope, theta.dtype(), n);
                    INNA opt = INNA.builder().alpha(alpha).beta(beta).weightDecay(wd).build();
                    INNA.State st = opt.init(theta, scope);
                    for (long k = 1; k <= STEPS; k++) {
                        Reference.inna(ref, psi, Reference.grad(ref), lr.applyAsDouble(k), alpha, beta, wd);
                        stepBoth(opt, st, theta, grad, lr.applyAsDouble(k), ref,
                                "INNA " + alpha + "," + beta + " n=" + n + " step " + k);
                    }
                }
            }
        }
    }

    @Test
    void adamwTrajectory() {
        for (int n : SIZES) {
            double b1 = 0.9, b2 = 0.99, eps = 1e-8, wd = 0.02;
            LongToDoubleFunction lr = wobbling(0.01);
            double[] ref = Reference.start(n, 13);
            double[] m = new double[n], v = new double[n];
            try (Scope scope = Scope.open()) {
                Tensor theta = Tensor.of(scope, ref.clone());
                Tensor grad = Tensor.zeros(scope, theta.dtype(), n);
                AdamW opt = AdamW.builder().beta1(b1).beta2(b2).eps(eps).weightDecay(wd).build();
                AdamW.State st = opt.init(theta);
                for (long k = 1; k <= STEPS; k++) {
                    Reference.adamw(ref, m, v, Reference.grad(ref), k, lr.applyAsDouble(k), b1, b2, eps, wd);
                    stepBoth(opt, st, theta, grad, lr.applyAsDouble(k), ref, "AdamW n=" + n + " step " + k);
                }
            }
        }
    }

    @Test
    void sgdTrajectories() {
        // {momentum, dampening, nesterov, weight decay}
        double[][] cases = {{0, 0, 0, 0}, {0, 0, 0, 0.01}, {0.9, 0, 0, 0}, {0.9, 0.3, 0, 0.01}, {0.9, 0, 1, 0.01}};
        for (int n : SMALL_SIZES) {
            for (double[] c : cases) {
                LongToDoubleFunction lr = wobbling(0.05);
                double[] ref = Reference.start(n, 17);
                double[] buf = new double[n];
                try (Scope scope = Scope.open()) {
                    Tensor theta = Tensor.of(scope, ref.clone());
                    Tensor grad = Tensor.zeros(scope, theta.dtype(), n);
                    SGD opt = SGD.builder().momentum(c[0]).dampening(c[1]).nesterov(c[2] == 1).weightDecay(c[3])
                            .build();
                    SGD.State st = opt.init(theta);
                    for (long k = 1; k <= STEPS; k++) {
                        Reference.sgd(ref, buf, Reference.grad(ref), k == 1, lr.applyAsDouble(k), c[0], c[1],
                                c[2] == 1, c[3]);
                        stepBoth(opt, st, theta, grad, lr.applyAsDouble(k), ref,
                                "SGD " + java.util.Arrays.toString(c) + " n=" + n + " step " + k);
                    }
                }
            }
        }
    }

    @Test
    void rmspropTrajectories() {
        // {momentum, weight decay}
        double[][] cases = {{0, 0}, {0, 0.01}, {0.9, 0}, {0.9, 0.01}};
        for (int n : SMALL_SIZES) {
            for (double[] c : cases) {
                double alpha = 0.95, eps = 1e-8;
                LongToDoubleFunction lr = wobbling(0.005);
                double[] ref = Reference.start(n, 19);
                double[] v = new double[n], buf = new double[n];
                try (Scope scope = Scope.open()) {
                    Tensor theta = Tensor.of(scope, ref.clone());
                    Tensor grad = Tensor.zeros(scope, theta.dtype(), n);
                    RMSprop opt = RMSprop.builder().alpha(alpha).eps(eps).momentum(c[0]).weightDecay(c[1]).build();
                    RMSprop.State st = opt.init(theta);
                    for (long k = 1; k <= STEPS; k++) {
                        Reference.rmsprop(ref, v, buf, Reference.grad(ref), lr.applyAsDouble(k), alpha, eps, c[0],
                                c[1]);
                        stepBoth(opt, st, theta, grad, lr.applyAsDouble(k), ref,
                                "RMSprop " + java.util.Arrays.toString(c) + " n=" + n + " step " + k);
                    }
                }
            }
        }
    }

    /**
     * The optimizer's step after the reference's: its gradient taken at its own theta, at learning
     * rate {@code lr}; then theta must agree with the reference's {@code ref} to {@link #TOL}
     * ({@code what} names the case and step in a failure).
     */
    private static <S extends OptimizerState> void stepBoth(TensorOptimizer<S> opt, S st, Tensor theta, Tensor grad,
            double lr, double[] ref, String what) {
        grad.copyFrom(Tensor.wrap(Reference.grad(theta.toDoubleArray())));
        opt.setLr(lr);
        opt.step(theta, grad, st);
        double err = worst(Reference.relativeError(theta.toDoubleArray(), ref));
        assertTrue(err <= TOL, what + ": relative error " + err);
    }
}
