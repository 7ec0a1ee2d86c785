package dev.inertia.kernels.simd;

import dev.inertia.kernels.Kernels;
import dev.inertia.kernels.OptimizerKernels;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API fused optimizer steps: one pass over theta, the state and g, in the operations and
 * order of the scalar twin (no fused multiply-add, so the bits are the same). The main loop is
 * unmasked; the tail is the same body with masked loads and stores. Loop-invariant choices
 * (weight decay on or off, Nesterov) are all-true or all-false masks rather than branches, so no
 * vector value flows through a branch; only the choice of which buffers exist is a branch, taken
 * once outside the loops.
 */
public final class PanamaOptimizerKernels implements OptimizerKernels {
    private static final VectorSpecies<Float> F = Widths.F;
    private static final VectorSpecies<Double> D = Widths.D;
    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();

    public PanamaOptimizerKernels() {}

    @Override
    public void innapropF32(MemorySegment theta, long thetaOff, MemorySegment psi, long psiOff, MemorySegment v, long vOff,
            MemorySegment g, long gOff, int n, float decay, float sigma, float oneMinusSigma, float sqrtBias,
            float eps, float psiKeep, float psiTheta, float thetaKeep, float thetaPsi, float gradStep,
            boolean zeroGrad) {
        long tb = thetaOff * 4, pb = psiOff * 4, vb = vOff * 4, gb = gOff * 4;
        FloatVector zero = FloatVector.zero(F);
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += F.length()) {
            FloatVector gi = FloatVector.fromMemorySegment(F, g, gb + i * 4L, NATIVE);
            FloatVector t = FloatVector.fromMemorySegment(F, theta, tb + i * 4L, NATIVE).mul(decay);
            FloatVector vi = FloatVector.fromMemorySegment(F, v, vb + i * 4L, NATIVE).mul(sigma).add(gi.mul(oneMinusSigma).mul(gi));
            FloatVector den = vi.sqrt().div(sqrtBias).add(eps);
            FloatVector p = FloatVector.fromMemorySegment(F, psi, pb + i * 4L, NATIVE).mul(psiKeep).add(t.mul(psiTheta));
            t.mul(thetaKeep).sub(p.mul(thetaPsi)).sub(gi.mul(gradStep).div(den)).intoMemorySegment(theta, tb + i * 4L, NATIVE);
            p.intoMemorySegment(psi, pb + i * 4L, NATIVE);
            vi.intoMemorySegment(v, vb + i * 4L, NATIVE);
            if (zeroGrad) {
                zero.intoMemorySegment(g, gb + i * 4L, NATIVE);
            }
        }
        if (i < n) { // scalar, as the twin defines it: a masked vector tail, called once a step, stays in
            // the interpreter or C1 for thousands of steps and boxes its vectors there
            Kernels.scalarOptimizers().innapropF32(theta, thetaOff + i, psi, psiOff + i, v, vOff + i, g, gOff + i, n - i, decay, sigma, oneMinusSigma, sqrtBias, eps, psiKeep, psiTheta, thetaKeep, thetaPsi, gradStep, zeroGrad);
        }
    }

    @Override
    public void innapropF64(MemorySegment theta, long thetaOff, MemorySegment psi, long psiOff, MemorySegment v, long vOff,
            MemorySegment g, long gOff, int n, double decay, double sigma, double oneMinusSigma, double sqrtBias,
            double eps, double psiKeep, double psiTheta, double thetaKeep, double thetaPsi, double gradStep,
            boolean zeroGrad) {
        long tb = thetaOff * 8, pb = psiOff * 8, vb = vOff * 8, gb = gOff * 8;
        DoubleVector zero = DoubleVector.zero(D);
        int i = 0;
        for (int bound = D.loopBound(n); i < bound; i += D.length()) {
            DoubleVector gi = DoubleVector.fromMemorySegment(D, g, gb + i * 8L, NATIVE);
            DoubleVector t = DoubleVector.fromMemorySegment(D, theta, tb + i * 8L, NATIVE).mul(decay);
            DoubleVector vi = DoubleVector.fromMemorySegment(D, v, vb + i * 8L, NATIVE).mul(sigma).add(gi.mul(oneMinusSigma).mul(gi));
            DoubleVector den = vi.sqrt().div(sqrtBias).add(eps);
            DoubleVector p = DoubleVector.fromMemorySegment(D, psi, pb + i * 8L, NATIVE).mul(psiKeep).add(t.mul(psiTheta));
            t.mul(thetaKeep).sub(p.mul(thetaPsi)).sub(gi.mul(gradStep).div(den)).intoMemorySegment(theta, tb + i * 8L, NATIVE);
            p.intoMemorySegment(psi, pb + i * 8L, NATIVE);
            vi.intoMemorySegment(v, vb + i * 8L, NATIVE);
            if (zeroGrad) {
                zero.intoMemorySegment(g, gb + i * 8L, NATIVE);
            }
        }
        if (i < n) { // scalar, as the twin defines it: a masked vector tail, called once a step, stays in
            // the interpreter or C1 for thousands of steps and boxes its vectors there
            Kernels.scalarOptimizers().innapropF64(theta, thetaOff + i, psi, psiOff + i, v, vOff + i, g, gOff + i, n - i, decay, sigma, oneMinusSigma, sqrtBias, eps, psiKeep, psiTheta, thetaKeep, thetaPsi, gradStep, zeroGrad);
        }
    }

    @Override
    public void innaF32(MemorySegment theta, long thetaOff, MemorySegment psi, long psiOff, MemorySegment g, long gOff, int n,
            float decay, float phaseTheta, float invBeta, float lr, float beta, boolean zeroGrad) {
        long tb = thetaOff * 4, pb = psiOff * 4, gb = gOff * 4;
        FloatVector zero = FloatVector.zero(F);
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += F.length()) {
            FloatVector gi = FloatVector.fromMemorySegment(F, g, gb + i * 4L, NATIVE);
            FloatVector t = FloatVector.fromMemorySegment(F, theta, tb + i * 4L, NATIVE).mul(decay);
            FloatVector p = FloatVector.fromMemorySegment(F, psi, pb + i * 4L, NATIVE);
            FloatVector phase = t.mul(phaseTheta).add(p.mul(invBeta));
            p.sub(phase.mul(lr)).intoMemorySegment(psi, pb + i * 4L, NATIVE);
            t.sub(phase.add(gi.mul(beta)).mul(lr)).intoMemorySegment(theta, tb + i * 4L, NATIVE);
            if (zeroGrad) {
                zero.intoMemorySegment(g, gb + i * 4L, NATIVE);
            }
        }
        if (i < n) { // scalar, as the twin defines it: a masked vector tail, called once a step, stays in
            // the interpreter or C1 for thousands of steps and boxes its vectors there
            Kernels.scalarOptimizers().innaF32(theta, thetaOff + i, psi, psiOff + i, g, gOff + i, n - i, decay, phaseTheta, invBeta, lr, beta, zeroGrad);
        }
    }

    @Override
    public void innaF64(MemorySegment theta, long thetaOff, MemorySegment psi, long psiOff, MemorySegment g, long gOff, int n,
            double decay, double phaseTheta, double invBeta, double lr, double beta, boolean zeroGrad) {
        long tb = thetaOff * 8, pb = psiOff * 8, gb = gOff * 8;
        DoubleVector zero = DoubleVector.zero(D);
        int i = 0;
        for (int bound = D.loopBound(n); i < bound; i += D.length()) {
            DoubleVector gi = DoubleVector.fromMemorySegment(D, g, gb + i * 8L, NATIVE);
            DoubleVector t = DoubleVector.fromMemorySegment(D, theta, tb + i * 8L, NATIVE).mul(decay);
            DoubleVector p = DoubleVector.fromMemorySegment(D, psi, pb + i * 8L, NATIVE);
            DoubleVector phase = t.mul(phaseTheta).add(p.mul(invBeta));
            p.sub(phase.mul(lr)).intoMemorySegment(psi, pb + i * 8L, NATIVE);
            t.sub(phase.add(gi.mul(beta)).mul(lr)).intoMemorySegment(theta, tb + i * 8L, NATIVE);
            if (zeroGrad) {
                zero.intoMemorySegment(g, gb + i * 8L, NATIVE);
            }
        }
        if (i < n) { // scalar, as the twin defines it: a masked vector tail, called once a step, stays in
            // the interpreter or C1 for thousands of steps and boxes its vectors there
            Kernels.scalarOptimizers().innaF64(theta, thetaOff + i, psi, psiOff + i, g, gOff + i, n - i, decay, phaseTheta, invBeta, lr, beta, zeroGrad);
        }
    }

    @Override
    public void adamwF32(MemorySegment theta, long thetaOff, MemorySegment m1, long mOff, MemorySegment v, long vOff,
            MemorySegment g, long gOff, int n, float decay, float beta1, float oneMinusBeta1, float beta2,
            float oneMinusBeta2, float sqrtBias2, float eps, float stepSize, boolean zeroGrad) {
        long tb = thetaOff * 4, mb = mOff * 4, vb = vOff * 4, gb = gOff * 4;
        FloatVector zero = FloatVector.zero(F);
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += F.length()) {
            FloatVector gi = FloatVector.fromMemorySegment(F, g, gb + i * 4L, NATIVE);
            FloatVector t = FloatVector.fromMemorySegment(F, theta, tb + i * 4L, NATIVE).mul(decay);
            FloatVector mi = FloatVector.fromMemorySegment(F, m1, mb + i * 4L, NATIVE).mul(beta1).add(gi.mul(oneMinusBeta1));
            FloatVector vi = FloatVector.fromMemorySegment(F, v, vb + i * 4L, NATIVE).mul(beta2).add(gi.mul(oneMinusBeta2).mul(gi));
            FloatVector den = vi.sqrt().div(sqrtBias2).add(eps);
            t.sub(mi.mul(stepSize).div(den)).intoMemorySegment(theta, tb + i * 4L, NATIVE);
            mi.intoMemorySegment(m1, mb + i * 4L, NATIVE);
            vi.intoMemorySegment(v, vb + i * 4L, NATIVE);
            if (zeroGrad) {
                zero.intoMemorySegment(g, gb + i * 4L, NATIVE);
            }
        }
        if (i < n) { // scalar, as the twin defines it: a masked vector tail, called once a step, stays in
            // the interpreter or C1 for thousands of steps and boxes its vectors there
            Kernels.scalarOptimizers().adamwF32(theta, thetaOff + i, m1, mOff + i, v, vOff + i, g, gOff + i, n - i, decay, beta1, oneMinusBeta1, beta2, oneMinusBeta2, sqrtBias2, eps, stepSize, zeroGrad);
        }
    }

    @Override
    public void adamwF64(MemorySegment theta, long thetaOff, MemorySegment m1, long mOff, MemorySegment v, long vOff,
            MemorySegment g, long gOff, int n, double decay, double beta1, double oneMinusBeta1, double beta2,
            double oneMinusBeta2, double sqrtBias2, double eps, double stepSize, boolean zeroGrad) {
        long tb = thetaOff * 8, mb = mOff * 8, vb = vOff * 8, gb = gOff * 8;
        DoubleVector zero = DoubleVector.zero(D);
        int i = 0;
        for (int bound = D.loopBound(n); i < bound; i += D.length()) {
            DoubleVector gi = DoubleVector.fromMemorySegment(D, g, gb + i * 8L, NATIVE);
            DoubleVector t = DoubleVector.fromMemorySegment(D, theta, tb + i * 8L, NATIVE).mul(decay);
            DoubleVector mi = DoubleVector.fromMemorySegment(D, m1, mb + i * 8L, NATIVE).mul(beta1).add(gi.mul(oneMinusBeta1));
            DoubleVector vi = DoubleVector.fromMemorySegment(D, v, vb + i * 8L, NATIVE).mul(beta2).add(gi.mul(oneMinusBeta2).mul(gi));
            DoubleVector den = vi.sqrt().div(sqrtBias2).add(eps);
            t.sub(mi.mul(stepSize).div(den)).intoMemorySegment(theta, tb + i * 8L, NATIVE);
            mi.intoMemorySegment(m1, mb + i * 8L, NATIVE);
            vi.intoMemorySegment(v, vb + i * 8L, NATIVE);
            if (zeroGrad) {
                zero.intoMemorySegment(g, gb + i * 8L, NATIVE);
            }
        }
        if (i < n) { // scalar, as the twin defines it: a masked vector tail, called once a step, stays in
            // the interpreter or C1 for thousands of steps and boxes its vectors there
            Kernels.scalarOptimizers().adamwF64(theta, thetaOff + i, m1, mOff + i, v, vOff + i, g, gOff + i, n - i, decay, beta1, oneMinusBeta1, beta2, oneMinusBeta2, sqrtBias2, eps, stepSize, zeroGrad);
        }
    }

    @Override
    public void sgdF32(MemorySegment theta, long thetaOff, MemorySegment buf, long bufOff, MemorySegment g, long gOff,
            int n, float lr, float weightDecay, float momentum, float bufKeep, float gradScale, boolean nesterov,
            boolean zeroGrad) {
        if (momentum != 0) {
            sgdMomentumF32(theta, thetaOff, buf, bufOff, g, gOff, n, lr, weightDecay, momentum, bufKeep, gradScale,
                    nesterov, zeroGrad);
        } else {
            sgdPlainF32(theta, thetaOff, g, gOff, n, lr, weightDecay, zeroGrad);
        }
    }

    @Override
    public void sgdF64(MemorySegment theta, long thetaOff, MemorySegment buf, long bufOff, MemorySegment g, long gOff,
            int n, double lr, double weightDecay, double momentum, double bufKeep, double gradScale, boolean nesterov,
            boolean zeroGrad) {
        if (momentum != 0) {
            sgdMomentumF64(theta, thetaOff, buf, bufOff, g, gOff, n, lr, weightDecay, momentum, bufKeep, gradScale,
                    nesterov, zeroGrad);
        } else {
            sgdPlainF64(theta, thetaOff, g, gOff, n, lr, weightDecay, zeroGrad);
        }
    }

    private static void sgdPlainF32(MemorySegment theta, long thetaOff, MemorySegment g, long gOff, int n, float lr,
            float weightDecay, boolean zeroGrad) {
        long tb = thetaOff * 4, gb = gOff * 4;
        FloatVector zero = FloatVector.zero(F);
        VectorMask<Float> decayOn = F.maskAll(weightDecay != 0);
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += F.length()) {
            FloatVector th = FloatVector.fromMemorySegment(F, theta, tb + i * 4L, NATIVE);
            FloatVector d = FloatVector.fromMemorySegment(F, g, gb + i * 4L, NATIVE).add(th.mul(weightDecay), decayOn);
            th.sub(d.mul(lr)).intoMemorySegment(theta, tb + i * 4L, NATIVE);
            if (zeroGrad) {
                zero.intoMemorySegment(g, gb + i * 4L, NATIVE);
            }
        }
        if (i < n) { // scalar, as the twin defines it: a masked vector tail, called once a step, stays in
            // the interpreter or C1 for thousands of steps and boxes its vectors there
            Kernels.scalarOptimizers().sgdF32(theta, thetaOff + i, null, 0, g, gOff + i, n - i, lr, weightDecay, 0f, 0f, 0f, false, zeroGrad);
        }
    }

    private static void sgdPlainF64(MemorySegment theta, long thetaOff, MemorySegment g, long gOff, int n, double lr,
            double weightDecay, boolean zeroGrad) {
        long tb = thetaOff * 8, gb = gOff * 8;
        DoubleVector zero = DoubleVector.zero(D);
        VectorMask<Double> decayOn = D.maskAll(weightDecay != 0);
        int i = 0;
        for (int bound = D.loopBound(n); i < bound; i += D.length()) {
            DoubleVector th = DoubleVector.fromMemorySegment(D, theta, tb + i * 8L, NATIVE);
            DoubleVector d = DoubleVector.fromMemorySegment(D, g, gb + i * 8L, NATIVE).add(th.mul(weightDecay), decayOn);
            th.sub(d.mul(lr)).intoMemorySegment(theta, tb + i * 8L, NATIVE);
            if (zeroGrad) {
                zero.intoMemorySegment(g, gb + i * 8L, NATIVE);
            }
        }
        if (i < n) { // scalar, as the twin defines it: a masked vector tail, called once a step, stays in
            // the interpreter or C1 for thousands of steps and boxes its vectors there
            Kernels.scalarOptimizers().sgdF64(theta, thetaOff + i, null, 0, g, gOff + i, n - i, lr, weightDecay, 0d, 0d, 0d, false, zeroGrad);
        }
    }

    private static void sgdMomentumF32(MemorySegment theta, long thetaOff, MemorySegment buf, long bufOff, MemorySegment g,
            long gOff, int n, float lr, float weightDecay, float momentum, float bufKeep, float gradScale,
            boolean nesterov, boolean zeroGrad) {
        long tb = thetaOff * 4, bb = bufOff * 4, gb = gOff * 4;
        FloatVector zero = FloatVector.zero(F);
        VectorMask<Float> decayOn = F.maskAll(weightDecay != 0);
        VectorMask<Float> nesterovOn = F.maskAll(nesterov);
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += F.length()) {
            FloatVector th = FloatVector.fromMemorySegment(F, theta, tb + i * 4L, NATIVE);
            FloatVector d = FloatVector.fromMemorySegment(F, g, gb + i * 4L, NATIVE).add(th.mul(weightDecay), decayOn);
            FloatVector b = FloatVector.fromMemorySegment(F, buf, bb + i * 4L, NATIVE).mul(bufKeep).add(d.mul(gradScale));
            b.intoMemorySegment(buf, bb + i * 4L, NATIVE);
            FloatVector step = b.blend(d.add(b.mul(momentum)), nesterovOn);
            th.sub(step.mul(lr)).intoMemorySegment(theta, tb + i * 4L, NATIVE);
            if (zeroGrad) {
                zero.intoMemorySegment(g, gb + i * 4L, NATIVE);
            }
        }
        if (i < n) { // scalar, as the twin defines it: a masked vector tail, called once a step, stays in
            // the interpreter or C1 for thousands of steps and boxes its vectors there
            Kernels.scalarOptimizers().sgdF32(theta, thetaOff + i, buf, bufOff + i, g, gOff + i, n - i, lr, weightDecay, momentum, bufKeep, gradScale, nesterov, zeroGrad);
        }
    }

    private static void sgdMomentumF64(MemorySegment theta, long thetaOff, MemorySegment buf, long bufOff, MemorySegment g,
            long gOff, int n, double lr, double weightDecay, double momentum, double bufKeep, double gradScale,
            boolean nesterov, boolean zeroGrad) {
        long tb = thetaOff * 8, bb = bufOff * 8, gb = gOff * 8;
        DoubleVector zero = DoubleVector.zero(D);
        VectorMask<Double> decayOn = D.maskAll(weightDecay != 0);
        VectorMask<Double> nesterovOn = D.maskAll(nesterov);
        int i = 0;
        for (int bound = D.loopBound(n); i < bound; i += D.length()) {
            DoubleVector th = DoubleVector.fromMemorySegment(D, theta, tb + i * 8L, NATIVE);
            DoubleVector d = DoubleVector.fromMemorySegment(D, g, gb + i * 8L, NATIVE).add(th.mul(weightDecay), decayOn);
            DoubleVector b = DoubleVector.fromMemorySegment(D, buf, bb + i * 8L, NATIVE).mul(bufKeep).add(d.mul(gradScale));
            b.intoMemorySegment(buf, bb + i * 8L, NATIVE);
            DoubleVector step = b.blend(d.add(b.mul(momentum)), nesterovOn);
            th.sub(step.mul(lr)).intoMemorySegment(theta, tb + i * 8L, NATIVE);
            if (zeroGrad) {
                zero.intoMemorySegment(g, gb + i * 8L, NATIVE);
            }
        }
        if (i < n) { // scalar, as the twin defines it: a masked vector tail, called once a step, stays in
            // the interpreter or C1 for thousands of steps and boxes its vectors there
            Kernels.scalarOptimizers().sgdF64(theta, thetaOff + i, buf, bufOff + i, g, gOff + i, n - i, lr, weightDecay, momentum, bufKeep, gradScale, nesterov, zeroGrad);
        }
    }

    @Override
    public void rmspropF32(MemorySegment theta, long thetaOff, MemorySegment v, long vOff, MemorySegment buf,
            long bufOff, MemorySegment g, long gOff, int n, float lr, float weightDecay, float alpha,
            float oneMinusAlpha, float eps, float momentum, boolean zeroGrad) {
        if (momentum != 0) {
            rmspropMomentumF32(theta, thetaOff, v, vOff, buf, bufOff, g, gOff, n, lr, weightDecay, alpha,
                    oneMinusAlpha, eps, momentum, zeroGrad);
        } else {
            rmspropPlainF32(theta, thetaOff, v, vOff, g, gOff, n, lr, weightDecay, alpha, oneMinusAlpha, eps,
                    zeroGrad);
        }
    }

    @Override
    public void rmspropF64(MemorySegment theta, long thetaOff, MemorySegment v, long vOff, MemorySegment buf,
            long bufOff, MemorySegment g, long gOff, int n, double lr, double weightDecay, double alpha,
            double oneMinusAlpha, double eps, double momentum, boolean zeroGrad) {
        if (momentum != 0) {
            rmspropMomentumF64(theta, thetaOff, v, vOff, buf, bufOff, g, gOff, n, lr, weightDecay, alpha,
                    oneMinusAlpha, eps, momentum, zeroGrad);
        } else {
            rmspropPlainF64(theta, thetaOff, v, vOff, g, gOff, n, lr, weightDecay, alpha, oneMinusAlpha, eps,
                    zeroGrad);
        }
    }

    private static void rmspropPlainF32(MemorySegment theta, long thetaOff, MemorySegment v, long vOff, MemorySegment g,
            long gOff, int n, float lr, float weightDecay, float alpha, float oneMinusAlpha, float eps,
            boolean zeroGrad) {
        long tb = thetaOff * 4, vb = vOff * 4, gb = gOff * 4;
        FloatVector zero = FloatVector.zero(F);
        VectorMask<Float> decayOn = F.maskAll(weightDecay != 0);
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += F.length()) {
            FloatVector th = FloatVector.fromMemorySegment(F, theta, tb + i * 4L, NATIVE);
            FloatVector d = FloatVector.fromMemorySegment(F, g, gb + i * 4L, NATIVE).add(th.mul(weightDecay), decayOn);
            FloatVector vi = FloatVector.fromMemorySegment(F, v, vb + i * 4L, NATIVE).mul(alpha).add(d.mul(oneMinusAlpha).mul(d));
            vi.intoMemorySegment(v, vb + i * 4L, NATIVE);
            th.sub(d.mul(lr).div(vi.sqrt().add(eps))).intoMemorySegment(theta, tb + i * 4L, NATIVE);
            if (zeroGrad) {
                zero.intoMemorySegment(g, gb + i * 4L, NATIVE);
            }
        }
        if (i < n) { // scalar, as the twin defines it: a masked vector tail, called once a step, stays in
            // the interpreter or C1 for thousands of steps and boxes its vectors there
            Kernels.scalarOptimizers().rmspropF32(theta, thetaOff + i, v, vOff + i, null, 0, g, gOff + i, n - i, lr, weightDecay, alpha, oneMinusAlpha, eps, 0f, zeroGrad);
        }
    }

    private static void rmspropPlainF64(MemorySegment theta, long thetaOff, MemorySegment v, long vOff, MemorySegment g,
            long gOff, int n, double lr, double weightDecay, double alpha, double oneMinusAlpha, double eps,
            boolean zeroGrad) {
        long tb = thetaOff * 8, vb = vOff * 8, gb = gOff * 8;
        DoubleVector zero = DoubleVector.zero(D);
        VectorMask<Double> decayOn = D.maskAll(weightDecay != 0);
        int i = 0;
        for (int bound = D.loopBound(n); i < bound; i += D.length()) {
            DoubleVector th = DoubleVector.fromMemorySegment(D, theta, tb + i * 8L, NATIVE);
            DoubleVector d = DoubleVector.fromMemorySegment(D, g, gb + i * 8L, NATIVE).add(th.mul(weightDecay), decayOn);
            DoubleVector vi = DoubleVector.fromMemorySegment(D, v, vb + i * 8L, NATIVE).mul(alpha).add(d.mul(oneMinusAlpha).mul(d));
            vi.intoMemorySegment(v, vb + i * 8L, NATIVE);
            th.sub(d.mul(lr).div(vi.sqrt().add(eps))).intoMemorySegment(theta, tb + i * 8L, NATIVE);
            if (zeroGrad) {
                zero.intoMemorySegment(g, gb + i * 8L, NATIVE);
            }
        }
        if (i < n) { // scalar, as the twin defines it: a masked vector tail, called once a step, stays in
            // the interpreter or C1 for thousands of steps and boxes its vectors there
            Kernels.scalarOptimizers().rmspropF64(theta, thetaOff + i, v, vOff + i, null, 0, g, gOff + i, n - i, lr, weightDecay, alpha, oneMinusAlpha, eps, 0d, zeroGrad);
        }
    }

    private static void rmspropMomentumF32(MemorySegment theta, long thetaOff, MemorySegment v, long vOff, MemorySegment buf,
            long bufOff, MemorySegment g, long gOff, int n, float lr, float weightDecay, float alpha,
            float oneMinusAlpha, float eps, float momentum, boolean zeroGrad) {
        long tb = thetaOff * 4, vb = vOff * 4, bb = bufOff * 4, gb = gOff * 4;
        FloatVector zero = FloatVector.zero(F);
        VectorMask<Float> decayOn = F.maskAll(weightDecay != 0);
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += F.length()) {
            FloatVector th = FloatVector.fromMemorySegment(F, theta, tb + i * 4L, NATIVE);
            FloatVector d = FloatVector.fromMemorySegment(F, g, gb + i * 4L, NATIVE).add(th.mul(weightDecay), decayOn);
            FloatVector vi = FloatVector.fromMemorySegment(F, v, vb + i * 4L, NATIVE).mul(alpha).add(d.mul(oneMinusAlpha).mul(d));
            vi.intoMemorySegment(v, vb + i * 4L, NATIVE);
            FloatVector b = FloatVector.fromMemorySegment(F, buf, bb + i * 4L, NATIVE).mul(momentum).add(d.div(vi.sqrt().add(eps)));
            b.intoMemorySegment(buf, bb + i * 4L, NATIVE);
            th.sub(b.mul(lr)).intoMemorySegment(theta, tb + i * 4L, NATIVE);
            if (zeroGrad) {
                zero.intoMemorySegment(g, gb + i * 4L, NATIVE);
            }
        }
        if (i < n) { // scalar, as the twin defines it: a masked vector tail, called once a step, stays in
            // the interpreter or C1 for thousands of steps and boxes its vectors there
            Kernels.scalarOptimizers().rmspropF32(theta, thetaOff + i, v, vOff + i, buf, bufOff + i, g, gOff + i, n - i, lr, weightDecay, alpha, oneMinusAlpha, eps, momentum, zeroGrad);
        }
    }

    private static void rmspropMomentumF64(MemorySegment theta, long thetaOff, MemorySegment v, long vOff, MemorySegment buf,
            long bufOff, MemorySegment g, long gOff, int n, double lr, double weightDecay, double alpha,
            double oneMinusAlpha, double eps, double momentum, boolean zeroGrad) {
        long tb = thetaOff * 8, vb = vOff * 8, bb = bufOff * 8, gb = gOff * 8;
        DoubleVector zero = DoubleVector.zero(D);
        VectorMask<Double> decayOn = D.maskAll(weightDecay != 0);
        int i = 0;
        for (int bound = D.loopBound(n); i < bound; i += D.length()) {
            DoubleVector th = DoubleVector.fromMemorySegment(D, theta, tb + i * 8L, NATIVE);
            DoubleVector d = DoubleVector.fromMemorySegment(D, g, gb + i * 8L, NATIVE).add(th.mul(weightDecay), decayOn);
            DoubleVector vi = DoubleVector.fromMemorySegment(D, v, vb + i * 8L, NATIVE).mul(alpha).add(d.mul(oneMinusAlpha).mul(d));
            vi.intoMemorySegment(v, vb + i * 8L, NATIVE);
            DoubleVector b = DoubleVector.fromMemorySegment(D, buf, bb + i * 8L, NATIVE).mul(momentum).add(d.div(vi.sqrt().add(eps)));
            b.intoMemorySegment(buf, bb + i * 8L, NATIVE);
            th.sub(b.mul(lr)).intoMemorySegment(theta, tb + i * 8L, NATIVE);
            if (zeroGrad) {
                zero.intoMemorySegment(g, gb + i * 8L, NATIVE);
            }
        }
        if (i < n) { // scalar, as the twin defines it: a masked vector tail, called once a step, stays in
            // the interpreter or C1 for thousands of steps and boxes its vectors there
            Kernels.scalarOptimizers().rmspropF64(theta, thetaOff + i, v, vOff + i, buf, bufOff + i, g, gOff + i, n - i, lr, weightDecay, alpha, oneMinusAlpha, eps, momentum, zeroGrad);
        }
    }
}
