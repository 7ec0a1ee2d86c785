package dev.inertia.optim;

import java.util.Map;

/**
 * The ranges a hyperparameter read from a file (a checkpoint's optimizer groups) must fall in,
 * by its state-dict name. The builders already refuse what cannot work at all (a negative
 * learning rate, NaN, sigma of 1); these ranges also refuse what can only diverge, like a
 * learning rate of 1e30 or an INNA beta of 1e9, so that a damaged or hostile file is reported
 * when it is read, naming the field, rather than training to NaN. They are wide: every
 * configuration the documentation and the benchmarks use is far inside.
 */
public final class HyperparameterRanges {
    /** Closed ranges {lowest, highest} by name; names absent here are not range-checked. */
    private static final Map<String, double[]> RANGES = Map.ofEntries(
            Map.entry("lr", new double[] {0, 100}),
            Map.entry("initial_lr", new double[] {0, 100}),
            Map.entry("weight_decay", new double[] {0, 100}),
            Map.entry("alpha", new double[] {-100, 100}), // INNA's damping; RMSprop's smoothing in [0, 1)
            Map.entry("beta", new double[] {0, 100}),
            Map.entry("sigma", new double[] {0, 1}),
            Map.entry("beta1", new double[] {0, 1}),
            Map.entry("beta2", new double[] {0, 1}),
            Map.entry("eps", new double[] {0, 1}),
            Map.entry("momentum", new double[] {0, 1}),
            Map.entry("dampening", new double[] {0, 1}),
            Map.entry("nesterov", new double[] {0, 1}));

    private HyperparameterRanges() {}

    /**
     * Checks {@code value} of the hyperparameter called {@code name}: it must be finite and, for
     * the names this class knows, inside their range.
     *
     * @throws IllegalArgumentException saying the value and the range
     */
    public static void check(String name, double value) {
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException(name + " is " + value + ", not a finite number");
        }
        double[] range = RANGES.get(name);
        if (range != null && (value < range[0] || value > range[1])) {
            throw new IllegalArgumentException(name + " is " + value + ", outside the range [" + format(range[0])
                    + ", " + format(range[1]) + "] accepted from a file");
        }
    }

    private static String format(double bound) {
        return bound == Math.rint(bound) ? Long.toString((long) bound) : Double.toString(bound);
    }
}
