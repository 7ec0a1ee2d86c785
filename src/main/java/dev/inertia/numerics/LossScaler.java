package dev.inertia.numerics;

import dev.inertia.kernels.Kernels;
import dev.inertia.memory.DType;
import dev.inertia.memory.Tensor;
import dev.inertia.train.Finite;
import dev.inertia.train.LossScaling;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Loss scaling for fp16 training, static or dynamic as in PyTorch's GradScaler: the loss is
 * multiplied by {@link #scale()} before backpropagation so small gradients survive fp16's range;
 * gradients are divided by it again before the optimizer step. A dynamic scaler halves the scale
 * and skips the step when a gradient overflowed to infinity or NaN, and doubles it after
 * {@code growthInterval} clean steps in a row.
 *
 * <p>A {@link dev.inertia.train.Trainer} uses one through {@link LossScaling}
 * ({@code TrainConfig.lossScaling}); its checkpoints keep the scaler's {@link #state()} (the
 * mode, the scale, the growth counter PyTorch calls {@code _growth_tracker}, the skipped steps),
 * so that a resumed fp16 run continues at the scale it had reached.
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
        boolean finite = true;
        for (Tensor g : gradients) {
            int n = Math.toIntExact(g.size());
            if (g.dtype() == DType.F32) {
                Kernels.elementwise().scaleF32((float) (1.0 / scale), g.segment(), 0, g.segment(), 0, n);
            } else if (g.dtype() == DType.F64) {
                Kernels.elementwise().scaleF64(1.0 / scale, g.segment(), 0, g.segment(), 0, n);
            } else {
                throw new IllegalArgumentException("gradients must be F32 or F64, got " + g.describe());
            }
            finite &= Finite.all(g);
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

    /**
     * {@code mode} ({@code dynamic} or {@code static}), {@code scale}, {@code growth_tracker}
     * (clean steps since the scale last changed) and {@code skipped_steps}.
     */
    @Override
    public Map<String, String> state() {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("mode", mode());
        s.put("scale", Double.toString(scale));
        s.put("growth_tracker", Integer.toString(cleanSteps));
        s.put("skipped_steps", Long.toString(skippedSteps));
        return s;
    }

    /**
     * Restores a dynamic scaler's scale and growth counter, and the skipped-step count, from a
     * {@link #state()} of the same mode; a static scaler keeps its configured scale. The saved
     * mode must be this scaler's (switching between static and dynamic on resume is refused).
     */
    @Override
    public Runnable restore(Map<String, String> saved) {
        if (saved.isEmpty()) {
            return () -> { };
        }
        String mode = saved.get("mode");
        if (!mode().equals(mode)) {
            throw new IllegalArgumentException("loss_scale.mode: the checkpoint was written with " + (mode == null
                    ? "no loss-scaling mode" : mode + " loss scaling") + ", this run has " + mode() + " loss scaling");
        }
        double s;
        long tracker, skipped;
        try {
            s = Double.parseDouble(value(saved, "scale"));
            tracker = Long.parseLong(value(saved, "growth_tracker"));
            skipped = Long.parseLong(value(saved, "skipped_steps"));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("loss_scale: scale must be a number, growth_tracker and skipped_steps"
                    + " whole numbers; got " + saved);
        }
        if (!(s > 0) || Double.isInfinite(s)) {
            throw new IllegalArgumentException("loss_scale.scale must be positive and finite, got " + s);
        }
        if (tracker < 0 || tracker >= growthInterval) {
            throw new IllegalArgumentException("loss_scale.growth_tracker must be in [0, " + growthInterval
                    + "), got " + tracker);
        }
        if (skipped < 0) {
            throw new IllegalArgumentException("loss_scale.skipped_steps must be >= 0, got " + skipped);
        }
        return () -> {
            if (dynamic) {
                scale = s;
                cleanSteps = (int) tracker;
            }
            skippedSteps = skipped;
        };
    }

    private String mode() {
        return dynamic ? "dynamic" : "static";
    }

    private static String value(Map<String, String> saved, String key) {
        String v = saved.get(key);
        if (v == null) {
            throw new IllegalArgumentException("loss_scale." + key + " is missing");
        }
        return v.trim();
    }

    /** {@link #unscale} then {@link #update}: what a training step does after its reverse sweep. */
    @Override
    public boolean afterBackward(List<Tensor> gradients) {
        return update(unscale(gradients));
    }
}
