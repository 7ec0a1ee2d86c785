package dev.inertia.kernels;

import java.lang.foreign.MemorySegment;

/**
 * Fused optimizer steps: each method is ONE pass over memory that reads the parameters
 * {@code theta}, the optimizer state and the gradient {@code g}, and writes the parameters and
 * the state back (and, with {@code zeroGrad}, a 0 into {@code g} in the same pass, so the next
 * backward pass can accumulate into it). Offsets and lengths count elements.
 *
 * <p>Every per-step scalar (bias corrections, products of hyperparameters) is computed once by
 * the caller and passed in, so the loops only do per-element arithmetic. The formulas below are
 * exactly what is computed, operation by operation and rounding by rounding (no fused
 * multiply-add), left to right as written, which is the order of the PyTorch implementations'
 * scalar code (e.g. {@code addcdiv_(g, den, value=-c)} is {@code theta + (-c * g) / den}); the scalar twin
 * {@code ScalarOptimizerKernels} is their executable definition and the SIMD version gives the
 * same bits. In the formulas, {@code t} is {@code theta} after the decoupled weight decay.
 *
 * <p>The state buffers must not overlap each other, the parameters or the gradient. A step
 * over a range touches that range only, so callers may split a large tensor into chunks run on
 * several threads.
 */
public interface OptimizerKernels {

    /**
     * INNAprop, in the operation order of the official implementation (innaprop.py):
     * <pre>
     * t     = decay * theta                                       decay = 1 - lr*wd
     * v'    = sigma * v + oneMinusSigma * g * g
     * den   = sqrt(v') / sqrtBias + eps                           sqrtBias = sqrt(1 - sigma^k)
     * psi'  = psiKeep * psi + psiTheta * t                        psiKeep = 1 - lr/beta, psiTheta = lr*(1/beta - alpha)
     * theta'= (thetaKeep * t - thetaPsi * psi') - gradStep * g / den
     *                                         thetaKeep = 1 + lr*(1-alpha*beta)/(beta-lr), thetaPsi = lr/(beta-lr),
     *                                         gradStep = lr*beta
     * </pre>
     * F32: 28 bytes per element (theta, psi, v, g read; theta, psi, v written), 32 with zeroGrad.
     */
    void innapropF32(MemorySegment theta, long thetaOff, MemorySegment psi, long psiOff, MemorySegment v, long vOff,
            MemorySegment g, long gOff, int n, float decay, float sigma, float oneMinusSigma, float sqrtBias,
            float eps, float psiKeep, float psiTheta, float thetaKeep, float thetaPsi, float gradStep,
            boolean zeroGrad);

    void innapropF64(MemorySegment theta, long thetaOff, MemorySegment psi, long psiOff, MemorySegment v, long vOff,
            MemorySegment g, long gOff, int n, double decay, double sigma, double oneMinusSigma, double sqrtBias,
            double eps, double psiKeep, double psiTheta, double thetaKeep, double thetaPsi, double gradStep,
            boolean zeroGrad);

    /**
     * INNA (Castera et al. 2021) with decoupled weight decay, as the INNAprop repository's inna.py:
     * <pre>
     * t      = decay * theta                                      decay = 1 - lr*wd
     * phase  = phaseTheta * t + invBeta * psi                     phaseTheta = alpha - 1/beta
     * psi'   = psi - lr * phase
     * theta' = t - lr * (phase + beta * g)
     * </pre>
     * F32: 20 bytes per element.
     */
    void innaF32(MemorySegment theta, long thetaOff, MemorySegment psi, long psiOff, MemorySegment g, long gOff, int n,
            float decay, float phaseTheta, float invBeta, float lr, float beta, boolean zeroGrad);

    void innaF64(MemorySegment theta, long thetaOff, MemorySegment psi, long psiOff, MemorySegment g, long gOff, int n,
            double decay, double phaseTheta, double invBeta, double lr, double beta, boolean zeroGrad);

    /**
     * AdamW as torch.optim.AdamW (amsgrad off):
     * <pre>
     * t      = decay * theta                                      decay = 1 - lr*wd
     * m'     = beta1 * m + oneMinusBeta1 * g
     * v'     = beta2 * v + oneMinusBeta2 * g * g
     * den    = sqrt(v') / sqrtBias2 + eps                         sqrtBias2 = sqrt(1 - beta2^k)
     * theta' = t - stepSize * m' / den                          stepSize = lr / (1 - beta1^k)
     * </pre>
     * F32: 28 bytes per element.
     */
    void adamwF32(MemorySegment theta, long thetaOff, MemorySegment m, long mOff, MemorySegment v, long vOff,
            MemorySegment g, long gOff, int n, float decay, float beta1, float oneMinusBeta1, float beta2,
            float oneMinusBeta2, float sqrtBias2, float eps, float stepSize, boolean zeroGrad);

    void adamwF64(MemorySegment theta, long thetaOff, MemorySegment m, long mOff, MemorySegment v, long vOff,
            MemorySegment g, long gOff, int n, double decay, double beta1, double oneMinusBeta1, double beta2,
            double oneMinusBeta2, double sqrtBias2, double eps, double stepSize, boolean zeroGrad);

    /**
     * SGD as torch.optim.SGD:
     * <pre>
     * d      = g + weightDecay * theta
     * buf'   = bufKeep * buf + gradScale * d                      only when momentum != 0
     * d      = nesterov ? d + momentum * buf' : buf'              only when momentum != 0
     * theta' = theta - lr * d
     * </pre>
     * The caller passes {@code bufKeep = momentum, gradScale = 1 - dampening}, except on the
     * first step, where PyTorch sets {@code buf = d}: there it passes {@code bufKeep = 0,
     * gradScale = 1} over a zeroed buffer. When {@code momentum == 0} the buffer is not touched
     * and may be null. F32: 20 bytes per element with momentum, 12 without.
     */
    void sgdF32(MemorySegment theta, long thetaOff, MemorySegment buf, long bufOff, MemorySegment g, long gOff, int n,
            float lr, float weightDecay, float momentum, float bufKeep, float gradScale, boolean nesterov,
            boolean zeroGrad);

    void sgdF64(MemorySegment theta, long thetaOff, MemorySegment buf, long bufOff, MemorySegment g, long gOff, int n,
            double lr, double weightDecay, double momentum, double bufKeep, double gradScale, boolean nesterov,
            boolean zeroGrad);

    /**
     * RMSprop as torch.optim.RMSprop with {@code centered=False}:
     * <pre>
     * d      = g + weightDecay * theta
     * v'     = alpha * v + oneMinusAlpha * d * d
     * avg    = sqrt(v') + eps
     * buf'   = momentum * buf + d / avg;  theta' = theta - lr * buf'      when momentum != 0
     * theta' = theta - lr * d / avg                                       when momentum == 0
     * </pre>
     * When {@code momentum == 0} the buffer is not touched and may be null. F32: 20 bytes per
     * element without momentum, 28 with.
     */
    void rmspropF32(MemorySegment theta, long thetaOff, MemorySegment v, long vOff, MemorySegment buf, long bufOff,
            MemorySegment g, long gOff, int n, float lr, float weightDecay, float alpha, float oneMinusAlpha,
            float eps, float momentum, boolean zeroGrad);

    void rmspropF64(MemorySegment theta, long thetaOff, MemorySegment v, long vOff, MemorySegment buf, long bufOff,
            MemorySegment g, long gOff, int n, double lr, double weightDecay, double alpha, double oneMinusAlpha,
            double eps, double momentum, boolean zeroGrad);
}
