package dev.inertia.numerics;

import dev.inertia.kernels.Kernels;
import dev.inertia.memory.DType;
import dev.inertia.memory.Tensor;
import dev.inertia.train.LossScaling;
import java.util.List;
import java.util.Locale;

/**
 * Loss scaling for fp16 training, static or dynamic as in PyTorch's GradScaler: the loss is
 * multiplied by {@link #scale()} before backpropagation so small gradients survive fp16's range;
 * gradients are divided by it again before the optimizer step. A dynamic scaler halves the scale
 * and skips the step when a gradient overflowed to infinity or NaN, and doubles it after
 * {@code growthInterval} clean steps in a row.
 *
 * <p>A {@link dev.inertia.train.Trainer} uses one through {@link LossScaling}
 * ({@code TrainConfig.lossScaling}).
 */
public final class LossScaler implements LossScaling {
    private final boolean dynamic;
    private final double growthFactor;
    private final double backoffFactor;
    private final int growthInterval;
    private double scale;
    private int cleanSteps;
    private long skippedSteps;

    private LossScaler(double scale, boolean dynamic, double growthFactor, double backoffFactor, int growthInterval) {
        if (!(scale > 0) || Double.isInfinite(scale)) {
            throw new IllegalArgumentException("loss scale must be positive and finite, got " + scale);
        }
        this.scale = scale;
        this.dynamic = dynamic;
        this.growthFactor = growthFactor;
        this.backoffFactor = backoffFactor;
        this.growthInterval = growthInterval;
    }

    /**
     * Parses a command-line spec: {@code static:N} (a fixed scale N &gt; 0) or {@code dynamic}
     * ({@link #dynamic()}); a new scaler each call.
     */
    public static LossScaler parse(String spec) {
        String s = spec.trim().toLowerCase(Locale.ROOT);
        if (s.equals("dynamic")) {
            return dynamic();
        }
        if (s.startsWith("static:")) {
            double scale;
            try {
                scale = Double.parseDouble(s.substring("static:".length()));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("loss scale '" + spec + "': static:N needs a number N");
            }
            if (!(scale > 0) || Double.isInfinite(scale)) {
                throw new IllegalArgumentException("loss scale '" + spec + "': N must be positive and finite");
            }
            return fixed(scale);
        }
        throw new IllegalArgumentException("loss scale '" + spec + "': expected static:N or dynamic");
    }

    /** A fixed scale; overflowing steps are still skipped. */
    public static LossScaler fixed(double scale) {
        return new LossScaler(scale, false, 1, 1, Integer.MAX_VALUE);
    }

    /** PyTorch's defaults: initial 2^16, growth 2 every 2000 clean steps, backoff 0.5. */
    public static LossScaler dynamic() {
        return dynamic(65536.0, 2.0, 0.5, 2000);
    }

    public static LossScaler dynamic(double initialScale, double growthFactor, double backoffFactor, int growthInterval) {
        if (!(growthFactor >= 1) || !(backoffFactor > 0 && backoffFactor < 1) || growthInterval < 1) {
            throw new IllegalArgumentException("dynamic loss scaling needs growth >= 1, 0 < backoff < 1 and an interval"
                    + " >= 1; got " + growthFactor + ", " + backoffFactor + ", " + growthInterval);
        }
        return new LossScaler(initialScale, true, growthFactor, backoffFactor, growthInterval);
    }

    /** The factor to multiply the loss (or the seed gradient) by. */
    @Override
    public double scale() {
        return scale;
    }

    /** Steps skipped so far because a gradient was not finite. */
    @Override
    public long skippedSteps() {
        return skippedSteps;
    }

    /**
     * Divides every gradient by the scale, in place, and reports whether all of them are finite.
     * Call once per step after backpropagation; pass the result to {@link #update(boolean)}.
     */
    public boolean unscale(Iterable<Tensor> gradients) {
        // x * 0 is NaN exactly when x is infinite or NaN, so a non-finite sum flags an overflow
        // in one SIMD pass (a finite gradient whose sum overflows F32 is flagged too: such a step
        // would be meaningless anyway).
        boolean finite = true;
        for (Tensor g : gradients) {
            int n = Math.toIntExact(g.size());
            if (g.dtype() == DType.F32) {
                Kernels.elementwise().scaleF32((float) (1.0 / scale), g.segment(), 0, g.segment(), 0, n);
                finite &= Float.isFinite(Kernels.reductions().sumF32(g.segment(), 0, n) * 0f);
            } else if (g.dtype() == DType.F64) {
                Kernels.elementwise().scaleF64(1.0 / scale, g.segment(), 0, g.segment(), 0, n);
                finite &= Double.isFinite(Kernels.reductions().sumF64(g.segment(), 0, n) * 0.0);
            } else {
                throw new IllegalArgumentException("gradients must be F32 or F64, got " + g.describe());
            }
        }
        return finite;
    }

    /**
     * Records the outcome of a step and returns whether the optimizer should apply it: false when
     * a gradient was not finite (the step is skipped, and a dynamic scale backs off).
     */
    public boolean update(boolean gradientsFinite) {
        if (!gradientsFinite) {
            skippedSteps++;
            cleanSteps = 0;
            if (dynamic) {
                scale *= backoffFactor;
            }
            return false;
        }
        if (dynamic && ++cleanSteps >= growthInterval) {
            cleanSteps = 0;
            double grown = scale * growthFactor;
            if (Double.isFinite(grown)) {
                scale = grown;
            }
        }
        return true;
    }

    /** {@link #unscale} then {@link #update}: what a training step does after its reverse sweep. */
    @Override
    public boolean afterBackward(List<Tensor> gradients) {
        return update(unscale(gradients));
    }
}
