package dev.inertia.numerics;

import java.util.Locale;

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

    /**
     * The frame {xMin, xMax, yMin, yMax} of a plot whose finite points span the given ranges
     * (an empty range when there were none: xMin > xMax): x as it is (widened to 1 when a single
     * value), y with 8% of its span added above and below so no point sits on the frame.
     */
    static double[] frame(double xMin, double xMax, double yMin, double yMax) {
        if (xMin > xMax) { // no finite point at all: an empty frame
            return new double[] {0, 1, 0, 1};
        }
        double pad = (yMax - yMin) * 0.08;
        if (pad == 0) {
            pad = Math.max(Math.abs(yMax) * 0.05, 0.01);
        }
        return new double[] {xMin, xMax == xMin ? xMin + 1 : xMax, yMin - pad, yMax + pad};
    }

    /** The label of tick {@code v} on an axis of steps {@code step}: as many decimals as the step has. */
    static String label(double v, double step) {
        return LinePlot.tick(v, (int) Math.max(0, Math.min(12, -Math.floor(Math.log10(step) + 1e-9))));
    }

    /**
     * Appends to {@code b} the x labels under a plot area (left, top, width, height in pixels)
     * and the y labels with their grid lines, for about {@code target} ticks on each axis.
     */
    static void draw(StringBuilder b, double xMin, double xMax, double yMin, double yMax, double left, double top,
            double width, double height, int target) {
        double xStep = step(xMin, xMax, target), yStep = step(yMin, yMax, target);
        for (double xv : of(xMin, xMax, target)) {
            double px = left + width * (xv - xMin) / (xMax - xMin);
            b.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%s</text>%n", px,
                    top + height + 16, label(xv, xStep)));
        }
        for (double yv : of(yMin, yMax, target)) {
            double py = top + height - height * (yv - yMin) / (yMax - yMin);
            b.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/>%n",
                    left, py, left + width, py));
            b.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">%s</text>%n",
                    left - 6, py + 4, label(yv, yStep)));
        }
    }
}
