package dev.inertia.numerics;

import dev.inertia.autodiff.Precision;
import java.util.Objects;

/**
 * The three-way classification of a mini-batch in the bifurcation experiments, as the published
 * protocol has it (Bertoin et al., NeurIPS 2021; Boustany, TMLR 2024): the two backward passes,
 * which differ only in a nonsmooth derivative, give gradients whose largest absolute difference
 * ||Δgrad||_∞ is exactly zero ({@link #NONE}), positive but at most the threshold τ
 * ({@link #COMPENSATION}: the passes differ only by rounding) or above τ ({@link #BIFURCATION}).
 */
public enum GradientZone {
    /** ||Δgrad||_∞ = 0: the two gradients are bitwise equal (up to the sign of zero). */
    NONE,
    /** 0 &lt; ||Δgrad||_∞ &lt;= τ: the two gradients differ only by rounding. */
    COMPENSATION,
    /** ||Δgrad||_∞ &gt; τ, or not a number: the choice of derivative changed the gradient. */
    BIFURCATION;

    /**
     * The zone of a mini-batch whose gradients differ by {@code difference} (a largest absolute
     * difference, so never negative) under the threshold {@code tau}. NaN lands in
     * {@link #BIFURCATION}: a difference that cannot be measured is not taken as rounding.
     */
    public static GradientZone of(double difference, double tau) {
        checkTau(tau);
        if (difference < 0) {
            throw new IllegalArgumentException("a largest absolute difference is never negative, got " + difference);
        }
        if (difference == 0) {
            return NONE;
        }
        return difference <= tau ? COMPENSATION : BIFURCATION;
    }

    /**
     * The protocol's default τ: 1e-3 at fp16 and bf16, 1e-7 at fp32, 1e-15 at fp64 (a few units
     * of each format's roundoff on gradients of order one, as in Boustany's study).
     */
    public static double defaultTau(Precision p) {
        return switch (Objects.requireNonNull(p, "precision")) {
            case FP16, BF16 -> 1e-3;
            case FP32 -> 1e-7;
            case FP64 -> 1e-15;
        };
    }

    /** Refuses a τ that is not a finite number >= 0. */
    public static double checkTau(double tau) {
        if (!(tau >= 0) || !Double.isFinite(tau)) {
            throw new IllegalArgumentException("tau must be a finite number >= 0, not " + tau);
        }
        return tau;
    }
}
