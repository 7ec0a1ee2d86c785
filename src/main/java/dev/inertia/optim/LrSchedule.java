package dev.inertia.optim;

/**
 * A learning-rate schedule: the factor by which a group's initial learning rate is multiplied at
 * time {@code t} (steps or epochs taken so far, as the caller counts; t = 0 before the first).
 * {@link Optimizer#scheduleAt(long)} applies it to every parameter group.
 */
@FunctionalInterface
public interface LrSchedule {

    /** The multiplier of the initial learning rate at time {@code t >= 0}. */
    double factor(long t);

    /** Always 1. */
    static LrSchedule constant() {
        return t -> 1;
    }

    /** PyTorch's StepLR: {@code gamma^floor(t / every)}. */
    static LrSchedule step(long every, double gamma) {
        if (every < 1) {
            throw new IllegalArgumentException("step schedule: every must be >= 1, got " + every);
        }
        Steps.nonNegative(gamma, "gamma");
        return t -> Math.pow(gamma, Math.floorDiv(t, every));
    }

    /**
     * Linear warm-up then cosine decay: {@code (t + 1) / (warmup + 1)} for {@code t < warmup}, then
     * from 1 down to {@code minFactor} along half a cosine until {@code t = total}, and
     * {@code minFactor} after.
     */
    static LrSchedule cosine(long warmup, long total, double minFactor) {
        if (warmup < 0 || total <= warmup) {
            throw new IllegalArgumentException("cosine schedule needs 0 <= warmup < total, got warmup " + warmup
                    + ", total " + total);
        }
        Steps.nonNegative(minFactor, "minFactor");
        return t -> {
            if (t < warmup) {
                return (double) (t + 1) / (warmup + 1);
            }
            double progress = Math.min(1.0, (double) (t - warmup) / (total - warmup));
            return minFactor + 0.5 * (1 + Math.cos(Math.PI * progress)) * (1 - minFactor);
        };
    }

    /** INNA's decreasing step sizes (Castera et al. 2021): {@code 1 / sqrt(t + 1)}, t counting epochs. */
    static LrSchedule inverseSqrt() {
        return t -> 1 / Math.sqrt(t + 1.0);
    }
}
