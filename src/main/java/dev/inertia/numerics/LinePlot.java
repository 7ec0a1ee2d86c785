package dev.inertia.numerics;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * A line chart as a standalone SVG document (plain text, no library): one polyline with markers
 * per series, a legend, axes with ticks. Used for the ReLU'(0) sweep's accuracy-versus-s plot.
 * Non-finite points are left out (the line is broken there).
 */
public final class LinePlot {
    private static final int WIDTH = 720, HEIGHT = 440;
    private static final int LEFT = 70, RIGHT = 230, TOP = 40, BOTTOM = 60;
    private static final String[] COLORS = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b",
        "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"};
    private static final int TICKS = 5;

    /** One line: its legend label and its points (same length). */
    public record Series(String label, double[] x, double[] y) {
        public Series {
            Objects.requireNonNull(label, "label");
            if (x.length != y.length) {
                throw new IllegalArgumentException("a series needs as many x as y values, got " + x.length + " and "
                        + y.length);
            }
            x = x.clone();
            y = y.clone();
        }
    }

    private LinePlot() {}

    /** The SVG document of {@code series} under {@code title}, with axis labels; the y range fits the points. */
    public static String svg(String title, String xLabel, String yLabel, List<Series> series) {
        return svg(title, xLabel, yLabel, series, Double.NaN, Double.NaN);
    }

    /**
     * As {@link #svg(String, String, String, List)} with the y axis from {@code yLow} to
     * {@code yHigh} (NaN: fit the points), so that small differences are not blown up to the
     * whole height; points outside are drawn outside the frame's range as they are.
     */
    public static String svg(String title, String xLabel, String yLabel, List<Series> series, double yLow,
            double yHigh) {
        if (!Double.isNaN(yLow) && !Double.isNaN(yHigh) && !(yLow < yHigh)) {
            throw new IllegalArgumentException("the y range needs low < high, got " + yLow + ", " + yHigh);
        }
        double xMin = Double.POSITIVE_INFINITY, xMax = Double.NEGATIVE_INFINITY;
        double yMin = Double.POSITIVE_INFINITY, yMax = Double.NEGATIVE_INFINITY;
        for (Series s : series) {
            for (int i = 0; i < s.x().length; i++) {
                if (Double.isFinite(s.x()[i]) && Double.isFinite(s.y()[i])) {
                    xMin = Math.min(xMin, s.x()[i]);
                    xMax = Math.max(xMax, s.x()[i]);
                    yMin = Math.min(yMin, s.y()[i]);
                    yMax = Math.max(yMax, s.y()[i]);
                }
            }
        }
        double[] frame = Ticks.frame(xMin, xMax, yMin, yMax);
        xMin = frame[0];
        xMax = frame[1];
        yMin = Double.isNaN(yLow) ? frame[2] : yLow;
        yMax = Double.isNaN(yHigh) ? frame[3] : yHigh;
        double plotW = WIDTH - LEFT - RIGHT, plotH = HEIGHT - TOP - BOTTOM;
        StringBuilder b = new StringBuilder();
        b.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        b.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\""
                + " viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"12\">%n", WIDTH, HEIGHT, WIDTH, HEIGHT));
        b.append(String.format(Locale.ROOT, "<rect x=\"0\" y=\"0\" width=\"%d\" height=\"%d\" fill=\"white\"/>%n",
                WIDTH, HEIGHT));
        b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"22\" font-size=\"14\" text-anchor=\"middle\">%s</text>%n",
                LEFT + (int) plotW / 2, escape(title)));
        b.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%.1f\" fill=\"none\""
                + " stroke=\"black\"/>%n", LEFT, TOP, plotW, plotH));
        Ticks.draw(b, xMin, xMax, yMin, yMax, LEFT, TOP, plotW, plotH, TICKS);
        b.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>%n",
                LEFT + plotW / 2, HEIGHT - 18, escape(xLabel)));
        b.append(String.format(Locale.ROOT, "<text x=\"16\" y=\"%.1f\" text-anchor=\"middle\" transform=\"rotate(-90"
                + " 16 %.1f)\">%s</text>%n", TOP + plotH / 2, TOP + plotH / 2, escape(yLabel)));
        for (int k = 0; k < series.size(); k++) {
            Series s = series.get(k);
            String color = COLORS[k % COLORS.length];
            StringBuilder points = new StringBuilder();
            for (int i = 0; i <= s.x().length; i++) {
                boolean ok = i < s.x().length && Double.isFinite(s.x()[i]) && Double.isFinite(s.y()[i]);
                if (ok) {
                    double px = LEFT + plotW * (s.x()[i] - xMin) / (xMax - xMin);
                    double py = TOP + plotH - plotH * (s.y()[i] - yMin) / (yMax - yMin);
                    points.append(String.format(Locale.ROOT, "%.1f,%.1f ", px, py));
                    b.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"/>%n", px,
                            py, color));
                } else if (!points.isEmpty()) {
                    b.append(String.format(Locale.ROOT, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\""
                            + " points=\"%s\"/>%n", color, points.toString().trim()));
                    points.setLength(0);
                }
            }
            int ly = TOP + 10 + 20 * k;
            int lx = LEFT + (int) plotW + 14;
            b.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\""
                    + " stroke-width=\"2\"/>%n", lx, ly, lx + 22, ly, color));
            b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\">%s</text>%n", lx + 28, ly + 4,
                    escape(s.label())));
        }
        b.append("</svg>\n");
        return b.toString();
    }

    /** Decimals that tell ticks {@code step} apart: one significant digit of the step. */
    static int decimals(double step) {
        return (int) Math.max(0, Math.min(6, Math.ceil(-Math.log10(step))));
    }

    static String tick(double v, int decimals) {
        String s = String.format(Locale.ROOT, "%." + decimals + "f", v);
        if (s.contains(".")) {
            s = s.replaceAll("0+$", "").replaceAll("\\.$", "");
        }
        return s.matches("-0(\\.0*)?") ? "0" : s;
    }

    /** Text for an XML element: &amp;, &lt;, &gt; and quotes escaped. */
    static String escape(String text) {
        StringBuilder b = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&apos;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }
}
