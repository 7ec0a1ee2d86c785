package dev.inertia.numerics;

import java.util.Locale;

/**
 * Mean and sample standard deviation of one figure over several seeds, as the thesis's tables
 * report it ("mean ± std"). Non-finite values are kept: a run that diverged makes the mean NaN
 * rather than silently disappearing from it.
 *
 * @param n the number of runs
 * @param mean their mean
 * @param std the sample standard deviation (divisor n - 1; 0 for a single run)
 */
public record SeedSummary(int n, double mean, double std) {
    /** The summary of {@code values} (at least one). */
    public static SeedSummary of(double... values) {
        if (values.length == 0) {
            throw new IllegalArgumentException("a summary needs at least one value");
        }
        double sum = 0;
        for (double v : values) {
            sum += v;
        }
        double mean = sum / values.length;
        double squares = 0;
        for (double v : values) {
            squares += (v - mean) * (v - mean);
        }
        double std = values.length > 1 ? Math.sqrt(squares / (values.length - 1)) : 0;
        return new SeedSummary(values.length, mean, std);
    }

    /** {@code "mean ± std"} with {@code decimals} digits after the point (e.g. 90.80 ± 0.12). */
    public String format(int decimals) {
        return String.format(Locale.ROOT, "%." + decimals + "f ± %." + decimals + "f", mean, std);
    }
}
