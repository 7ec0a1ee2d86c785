package dev.inertia.kernels;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The scalar twin of {@link OptimizerKernels}: the executable definition of every fused step,
 * one element at a time, in exactly the operations and order documented on the interface.
 */
final class ScalarOptimizerKernels implements OptimizerKernels {
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final ValueLayout.OfDouble D = ValueLayout.JAVA_DOUBLE_UNALIGNED;

    ScalarOptimizerKernels() {}

    @Override
    public void innapropF32(MemorySegment theta, long thetaOff, MemorySegment psi, long psiOff, MemorySegment v,
            long vOff, MemorySegment g, long gOff, int n, float decay, float sigma, float oneMinusSigma,
            float sqrtBias, float eps, float psiKeep, float psiTheta, float thetaKeep, float thetaPsi,
            float gradStep, boolean zeroGrad) {
        for (int i = 0; i < n; i++) {
            float gi = g.getAtIndex(F, gOff + i);
            float t = decay * theta.getAtIndex(F, thetaOff + i);
            float vi = sigma * v.getAtIndex(F, vOff + i) + oneMinusSigma * gi * gi;
            float den = (float) Math.sqrt(vi) / sqrtBias + eps;
            float p = psiKeep * psi.getAtIndex(F, psiOff + i) + psiTheta * t;
            theta.setAtIndex(F, thetaOff + i, (thetaKeep * t - thetaPsi * p) - gradStep * gi / den);
            psi.setAtIndex(F, psiOff + i, p);
            v.setAtIndex(F, vOff + i, vi);
            if (zeroGrad) {
                g.setAtIndex(F, gOff + i, 0f);
            }
        }
    }

    @Override
    public void innapropF64(MemorySegment theta, long thetaOff, MemorySegment psi, long psiOff, MemorySegment v,
            long vOff, MemorySegment g, long gOff, int n, double decay, double sigma, double oneMinusSigma,
            double sqrtBias, double eps, double psiKeep, double psiTheta, double thetaKeep, double thetaPsi,
            double gradStep, boolean zeroGrad) {
        for (int i = 0; i < n; i++) {
            double gi = g.getAtIndex(D, gOff + i);
            double t = decay * theta.getAtIndex(D, thetaOff + i);
            double vi = sigma * v.getAtIndex(D, vOff + i) + oneMinusSigma * gi * gi;
            double den = Math.sqrt(vi) / sqrtBias + eps;
            double p = psiKeep * psi.getAtIndex(D, psiOff + i) + psiTheta * t;
            theta.setAtIndex(D, thetaOff + i, (thetaKeep * t - thetaPsi * p) - gradStep * gi / den);
            psi.setAtIndex(D, psiOff + i, p);
            v.setAtIndex(D, vOff + i, vi);
            if (zeroGrad) {
                g.setAtIndex(D, gOff + i, 0.0);
            }
        }
    }

    @Override
    public void innaF32(MemorySegment theta, long thetaOff, MemorySegment psi, long psiOff, MemorySegment g, long gOff,
            int n, float decay, float phaseTheta, float invBeta, float lr, float beta, boolean zeroGrad) {
        for (int i = 0; i < n; i++) {
            float gi = g.getAtIndex(F, gOff + i);
            float t = decay * theta.getAtIndex(F, thetaOff + i);
            float p = psi.getAtIndex(F, psiOff + i);
            float phase = phaseTheta * t + invBeta * p;
            psi.setAtIndex(F, psiOff + i, p - lr * phase);
            theta.setAtIndex(F, thetaOff + i, t - lr * (phase + beta * gi));
            if (zeroGrad) {
                g.setAtIndex(F, gOff + i, 0f);
            }
        }
    }

    @Override
    public void innaF64(MemorySegment theta, long thetaOff, MemorySegment psi, long psiOff, MemorySegment g, long gOff,
            int n, double decay, double phaseTheta, double invBeta, double lr, double beta, boolean zeroGrad) {
        for (int i = 0; i < n; i++) {
            double gi = g.getAtIndex(D, gOff + i);
            double t = decay * theta.getAtIndex(D, thetaOff + i);
            double p = psi.getAtIndex(D, psiOff + i);
            double phase = phaseTheta * t + invBeta * p;
            psi.setAtIndex(D, psiOff + i, p - lr * phase);
            theta.setAtIndex(D, thetaOff + i, t - lr * (phase + beta * gi));
            if (zeroGrad) {
                g.setAtIndex(D, gOff + i, 0.0);
            }
        }
    }

    @Override
    public void adamwF32(MemorySegment theta, long thetaOff, MemorySegment m, long mOff, MemorySegment v, long vOff,
            MemorySegment g, long gOff, int n, float decay, float beta1, float oneMinusBeta1, float beta2,
            float oneMinusBeta2, float sqrtBias2, float eps, float stepSize, boolean zeroGrad) {
        for (int i = 0; i < n; i++) {
            float gi = g.getAtIndex(F, gOff + i);
            float t = decay * theta.getAtIndex(F, thetaOff + i);
            float mi = beta1 * m.getAtIndex(F, mOff + i) + oneMinusBeta1 * gi;
            float vi = beta2 * v.getAtIndex(F, vOff + i) + oneMinusBeta2 * gi * gi;
            float den = (float) Math.sqrt(vi) / sqrtBias2 + eps;
            theta.setAtIndex(F, thetaOff + i, t - stepSize * mi / den);
            m.setAtIndex(F, mOff + i, mi);
            v.setAtIndex(F, vOff + i, vi);
            if (zeroGrad) {
                g.setAtIndex(F, gOff + i, 0f);
            }
        }
    }

    @Override
    public void adamwF64(MemorySegment theta, long thetaOff, MemorySegment m, long mOff, MemorySegment v, long vOff,
            MemorySegment g, long gOff, int n, double decay, double beta1, double oneMinusBeta1, double beta2,
            double oneMinusBeta2, double sqrtBias2, double eps, double stepSize, boolean zeroGrad) {
        for (int i = 0; i < n; i++) {
            double gi = g.getAtIndex(D, gOff + i);
            double t = decay * theta.getAtIndex(D, thetaOff + i);
            double mi = beta1 * m.getAtIndex(D, mOff + i) + oneMinusBeta1 * gi;
            double vi = beta2 * v.getAtIndex(D, vOff + i) + oneMinusBeta2 * gi * gi;
            double den = Math.sqrt(vi) / sqrtBias2 + eps;
            theta.setAtIndex(D, thetaOff + i, t - stepSize * mi / den);
            m.setAtIndex(D, mOff + i, mi);
            v.setAtIndex(D, vOff + i, vi);
            if (zeroGrad) {
                g.setAtIndex(D, gOff + i, 0.0);
            }
        }
    }

    @Override
    public void sgdF32(MemorySegment theta, long thetaOff, MemorySegment buf, long bufOff, MemorySegment g, long gOff,
            int n, float lr, float weightDecay, float momentum, float bufKeep, float gradScale, boolean nesterov,
            boolean zeroGrad) {
        for (int i = 0; i < n; i++) {
            float th = theta.getAtIndex(F, thetaOff + i);
            float d = g.getAtIndex(F, gOff + i);
            if (weightDecay != 0f) {
                d = d + weightDecay * th;
            }
            if (momentum != 0f) {
                float b = bufKeep * buf.getAtIndex(F, bufOff + i) + gradScale * d;
                buf.setAtIndex(F, bufOff + i, b);
                d = nesterov ? d + momentum * b : b;
            }
            theta.setAtIndex(F, thetaOff + i, th - lr * d);
            if (zeroGrad) {
                g.setAtIndex(F, gOff + i, 0f);
            }
        }
    }

    @Override
    public void sgdF64(MemorySegment theta, long thetaOff, MemorySegment buf, long bufOff, MemorySegment g, long gOff,
            int n, double lr, double weightDecay, double momentum, double bufKeep, double gradScale, boolean nesterov,
            boolean zeroGrad) {
        for (int i = 0; i < n; i++) {
            double th = theta.getAtIndex(D, thetaOff + i);
            double d = g.getAtIndex(D, gOff + i);
            if (weightDecay != 0) {
                d = d + weightDecay * th;
            }
            if (momentum != 0) {
                double b = bufKeep * buf.getAtIndex(D, bufOff + i) + gradScale * d;
                buf.setAtIndex(D, bufOff + i, b);
                d = nesterov ? d + momentum * b : b;
            }
            theta.setAtIndex(D, thetaOff + i, th - lr * d);
            if (zeroGrad) {
                g.setAtIndex(D, gOff + i, 0.0);
            }
        }
    }

    @Override
    public void rmspropF32(MemorySegment theta, long thetaOff, MemorySegment v, long vOff, MemorySegment buf,
            long bufOff, MemorySegment g, long gOff, int n, float lr, float weightDecay, float alpha,
            float oneMinusAlpha, float eps, float momentum, boolean zeroGrad) {
        for (int i = 0; i < n; i++) {
            float th = theta.getAtIndex(F, thetaOff + i);
            float d = g.getAtIndex(F, gOff + i);
            if (weightDecay != 0f) {
                d = d + weightDecay * th;
            }
            float vi = alpha * v.getAtIndex(F, vOff + i) + oneMinusAlpha * d * d;
            v.setAtIndex(F, vOff + i, vi);
            float avg = (float) Math.sqrt(vi) + eps;
            if (momentum != 0f) {
                float b = momentum * buf.getAtIndex(F, bufOff + i) + d / avg;
                buf.setAtIndex(F, bufOff + i, b);
                theta.setAtIndex(F, thetaOff + i, th - lr * b);
            } else {
                theta.setAtIndex(F, thetaOff + i, th - lr * d / avg);
            }
            if (zeroGrad) {
                g.setAtIndex(F, gOff + i, 0f);
            }
        }
    }

    @Override
    public void rmspropF64(MemorySegment theta, long thetaOff, MemorySegment v, long vOff, MemorySegment buf,
            long bufOff, MemorySegment g, long gOff, int n, double lr, double weightDecay, double alpha,
            double oneMinusAlpha, double eps, double momentum, boolean zeroGrad) {
        for (int i = 0; i < n; i++) {
            double th = theta.getAtIndex(D, thetaOff + i);
            double d = g.getAtIndex(D, gOff + i);
            if (weightDecay != 0) {
                d = d + weightDecay * th;
            }
            double vi = alpha * v.getAtIndex(D, vOff + i) + oneMinusAlpha * d * d;
            v.setAtIndex(D, vOff + i, vi);
            double avg = Math.sqrt(vi) + eps;
            if (momentum != 0) {
                double b = momentum * buf.getAtIndex(D, bufOff + i) + d / avg;
                buf.setAtIndex(D, bufOff + i, b);
                theta.setAtIndex(D, thetaOff + i, th - lr * b);
            } else {
                theta.setAtIndex(D, thetaOff + i, th - lr * d / avg);
            }
            if (zeroGrad) {
                g.setAtIndex(D, gOff + i, 0.0);
            }
        }
    }
}
