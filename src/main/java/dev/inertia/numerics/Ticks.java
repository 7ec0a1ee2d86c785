package dev.inertia.numerics;

/**
 * Axis ticks at round values (steps of 1, 2 or 5 times a power of ten) inside a range, so that a
 * label always names the value under it: evenly spaced ticks over [1, 10] would sit at 1, 2.8,
 * 4.6, ... and, rounded for display, mislabel every point between the ends.
 */
final class Ticks {
    private Ticks() {}

    /** About {@code target} round values from {@code lo} to {@code hi} (both finite, lo < hi), ascending. */
    static double[] of(double lo, double hi, int target) {
        double step = step(lo, hi, target);
        long first = (long) Math.ceil(lo / step - 1e-9), last = (long) Math.floor(hi / step + 1e-9);
        double[] ticks = new double[(int) Math.max(0, last - first + 1)];
        for (int i = 0; i < ticks.length; i++) {
            ticks[i] = (first + i) * step;
        }
        return ticks;
    }

    /** The round step {@link #of} uses. */
    static double step(double lo, double hi, int target) {
        double raw = (hi - lo) / Math.max(1, target);
        double power = Math.pow(10, Math.floor(Math.log10(raw)));
        double unit = raw / power;
        return (unit <= 1 ? 1 : unit <= 2 ? 2 : unit <= 5 ? 5 : 10) * power;
    }

    /** The label of tick {@code v} on an axis of steps {@code step}: as many decimals as the step has. */
    static String label(double v, double step) {
        return LinePlot.tick(v, (int) Math.max(0, Math.min(12, -Math.floor(Math.log10(step) + 1e-9))));
    }
}
