package dev.inertia.optim;

/**
 * Independent scalar re-implementations, written from the formulas of the INNAprop issue and of
 * torch.optim, in their official operation order, one plain double loop per step. The tests run
 * the library's optimizers beside these on the same gradient field.
 */
final class Reference {
    private Reference() {}

    /** The gradient field the trajectories follow: a tilted, wavy quadratic bowl, nonzero everywhere. */
    static double[] grad(double[] theta) {
        double[] g = new double[theta.length];
        for (int i = 0; i < theta.length; i++) {
            double c = 0.5 + (i % 7) * 0.3;
            g[i] = c * (theta[i] - 0.25 * (i % 5)) + 0.2 * Math.sin(3 * theta[i] + i) + 0.05 * (i % 3);
        }
        return g;
    }

    /** innaprop.py, one step k (1-based), in place on theta, psi, v. */
    static void innaprop(double[] theta, double[] psi, double[] v, double[] g, long k, double lr, double alpha,
            double beta, double sigma, double eps, double wd) {
        double bias = 1 - Math.pow(sigma, k);
        for (int i = 0; i < theta.length; i++) {
            theta[i] = theta[i] * (1 - lr * wd);
            v[i] = v[i] * sigma + (1 - sigma) * g[i] * g[i];
            double den = Math.sqrt(v[i]) / Math.sqrt(bias) + eps;
            psi[i] = psi[i] * (1 - lr / beta) + lr * (1 / beta - alpha) * theta[i];
            theta[i] = theta[i] * (1 + lr * (1 - alpha * beta) / (beta - lr)) - lr / (beta - lr) * psi[i]
                    - lr * beta * g[i] / den;
        }
    }

    /** Bias-corrected RMSprop (Adam without first moment) at learning rate lrEff plus decoupled weight decay. */
    static void rmspropBiasCorrected(double[] theta, double[] v, double[] g, long k, double lr, double lrEff,
            double sigma, double eps, double wd) {
        double bias = 1 - Math.pow(sigma, k);
        for (int i = 0; i < theta.length; i++) {
            theta[i] *= 1 - lr * wd;
            v[i] = sigma * v[i] + (1 - sigma) * g[i] * g[i];
            theta[i] -= lrEff * g[i] / (Math.sqrt(v[i]) / Math.sqrt(bias) + eps);
        }
    }

    /** inna.py (INNAprop repository), one step. */
    static void inna(double[] theta, double[] psi, double[] g, double lr, double alpha, double beta, double wd) {
        for (int i = 0; i < theta.length; i++) {
            theta[i] *= 1 - lr * wd;
            double phase = (alpha - 1 / beta) * theta[i] + (1 / beta) * psi[i];
            psi[i] += -lr * phase;
            theta[i] += -lr * (phase + beta * g[i]);
        }
    }

    /** torch.optim.AdamW (single tensor, amsgrad off), one step k. */
    static void adamw(double[] theta, double[] m, double[] v, double[] g, long k, double lr, double b1, double b2,
            double eps, double wd) {
        double bc1 = 1 - Math.pow(b1, k);
        double bc2 = 1 - Math.pow(b2, k);
        for (int i = 0; i < theta.length; i++) {
            theta[i] *= 1 - lr * wd;
            m[i] = m[i] * b1 + (1 - b1) * g[i];
            v[i] = v[i] * b2 + (1 - b2) * g[i] * g[i];
            double denom = Math.sqrt(v[i]) / Math.sqrt(bc2) + eps;
            theta[i] += -(lr / bc1) * m[i] / denom;
        }
    }

    /** torch.optim.SGD, one step; first: whether the momentum buffer is still None. */
    static void sgd(double[] theta, double[] buf, double[] g, boolean first, double lr, double momentum,
            double dampening, boolean nesterov, double wd) {
        for (int i = 0; i < theta.length; i++) {
            double d = g[i];
            if (wd != 0) {
                d += wd * theta[i];
            }
            if (momentum != 0) {
                buf[i] = first ? d : buf[i] * momentum + (1 - dampening) * d;
                d = nesterov ? d + momentum * buf[i] : buf[i];
            }
            theta[i] += -lr * d;
        }
    }

    /** torch.optim.RMSprop, centered=False, one step. */
    static void rmsprop(double[] theta, double[] v, double[] buf, double[] g, double lr, double alpha, double eps,
            double momentum, double wd) {
        for (int i = 0; i < theta.length; i++) {
            double d = g[i];
            if (wd != 0) {
                d += wd * theta[i];
            }
            v[i] = v[i] * alpha + (1 - alpha) * d * d;
            double avg = Math.sqrt(v[i]) + eps;
            if (momentum > 0) {
                buf[i] = buf[i] * momentum + d / avg;
                theta[i] += -lr * buf[i];
            } else {
                theta[i] += -lr * d / avg;
            }
        }
    }

    /** max over i of |a - r| / max(|r|, 1e-3): relative where values are not tiny. */
    static double relativeError(double[] actual, double[] reference) {
        double worst = 0;
        for (int i = 0; i < actual.length; i++) {
            worst = Math.max(worst, Math.abs(actual[i] - reference[i]) / Math.max(Math.abs(reference[i]), 1e-3));
        }
        return worst;
    }

    static double[] start(int n, long seed) {
        java.util.Random r = new java.util.Random(seed);
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = r.nextGaussian();
        }
        return x;
    }
}
