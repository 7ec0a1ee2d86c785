package dev.inertia.numerics;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Training curves over seeds as a standalone SVG document: panels stacked vertically, each with
 * one line per series (the mean over seeds, a marker at each point) inside a translucent band of
 * ±1 standard deviation, and a legend. The optimizer study draws train loss and test accuracy per epoch this way.
 * Points whose mean or deviation is not finite are left out: the line and the band break there.
 */
public final class BandPlot {
    private static final int WIDTH = 760, PANEL_HEIGHT = 360;
    private static final int LEFT = 70, RIGHT = 230, TOP = 40, BOTTOM = 50;
    private static final String[] COLORS = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b",
        "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"};
    private static final int TICKS = 5;

    /** One curve: its legend label, x values, and the mean and standard deviation at each x (same lengths). */
    public record Series(String label, double[] x, double[] mean, double[] std) {
        public Series {
            Objects.requireNonNull(label, "label");
            if (x.length != mean.length || x.length != std.length) {
                throw new IllegalArgumentException("a series needs as many x, mean and std values, got " + x.length
                        + ", " + mean.length + " and " + std.length);
            }
            x = x.clone();
            mean = mean.clone();
            std = std.clone();
        }

        /** The series of {@code label} over runs: {@code runs[r][i]} is run r's value at {@code x[i]}. */
        public static Series over(String label, double[] x, double[][] runs) {
            double[] mean = new double[x.length], std = new double[x.length];
            for (int i = 0; i < x.length; i++) {
                double[] at = new double[runs.length];
                for (int r = 0; r < runs.length; r++) {
                    at[r] = i < runs[r].length ? runs[r][i] : Double.NaN;
                }
                SeedSummary s = SeedSummary.of(at);
                mean[i] = s.mean();
                std[i] = s.std();
            }
            return new Series(label, x, mean, std);
        }
    }

    /** One chart of the document: a title, axis labels and its series. */
    public record Panel(String title, String xLabel, String yLabel, List<Series> series) {
        public Panel {
            Objects.requireNonNull(title, "title");
            Objects.requireNonNull(xLabel, "xLabel");
            Objects.requireNonNull(yLabel, "yLabel");
            series = List.copyOf(series);
        }
    }

    private BandPlot() {}

    /** The SVG document of {@code panels}, one under the other. */
    public static String svg(List<Panel> panels) {
        if (panels.isEmpty()) {
            throw new IllegalArgumentException("a plot needs at least one panel");
        }
        int height = PANEL_HEIGHT * panels.size();
        StringBuilder b = new StringBuilder();
        b.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        b.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\""
                + " viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"12\">%n", WIDTH, height, WIDTH, height));
        b.append(String.format(Locale.ROOT, "<rect x=\"0\" y=\"0\" width=\"%d\" height=\"%d\" fill=\"white\"/>%n",
                WIDTH, height));
        for (int p = 0; p < panels.size(); p++) {
            panel(b, panels.get(p), p * PANEL_HEIGHT);
        }
        b.append("</svg>\n");
        return b.toString();
    }

    private static void panel(StringBuilder b, Panel panel, int top) {
        double xMin = Double.POSITIVE_INFINITY, xMax = Double.NEGATIVE_INFINITY;
        double yMin = Double.POSITIVE_INFINITY, yMax = Double.NEGATIVE_INFINITY;
        for (Series s : panel.series()) {
            for (int i = 0; i < s.x().length; i++) {
                if (finite(s, i)) {
                    xMin = Math.min(xMin, s.x()[i]);
                    xMax = Math.max(xMax, s.x()[i]);
                    yMin = Math.min(yMin, s.mean()[i] - s.std()[i]);
                    yMax = Math.max(yMax, s.mean()[i] + s.std()[i]);
                }
            }
        }
        double[] frame = Ticks.frame(xMin, xMax, yMin, yMax);
        xMin = frame[0];
        xMax = frame[1];
        yMin = frame[2];
        yMax = frame[3];
        double plotW = WIDTH - LEFT - RIGHT, plotH = PANEL_HEIGHT - TOP - BOTTOM;
        double y0 = top + TOP;
        b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"14\" text-anchor=\"middle\">%s</text>%n",
                LEFT + (int) plotW / 2, top + 22, LinePlot.escape(panel.title())));
        b.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"none\""
                + " stroke=\"black\"/>%n", LEFT, y0, plotW, plotH));
        Ticks.draw(b, xMin, xMax, yMin, yMax, LEFT, y0, plotW, plotH, TICKS);
        b.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%s</text>%n",
                LEFT + plotW / 2, y0 + plotH + 36, LinePlot.escape(panel.xLabel())));
        double mid = y0 + plotH / 2;
        b.append(String.format(Locale.ROOT, "<text x=\"16\" y=\"%.1f\" text-anchor=\"middle\" transform=\"rotate(-90"
                + " 16 %.1f)\">%s</text>%n", mid, mid, LinePlot.escape(panel.yLabel())));
        for (int k = 0; k < panel.series().size(); k++) {
            Series s = panel.series().get(k);
            String color = COLORS[k % COLORS.length];
            StringBuilder upper = new StringBuilder(), lower = new StringBuilder(), line = new StringBuilder();
            for (int i = 0; i <= s.x().length; i++) {
                if (i < s.x().length && finite(s, i)) {
                    double px = LEFT + plotW * (s.x()[i] - xMin) / (xMax - xMin);
                    upper.append(String.format(Locale.ROOT, "%.1f,%.1f ", px, y(s.mean()[i] + s.std()[i], yMin, yMax,
                            y0, plotH)));
                    // the lower edge runs backwards, so that the polygon closes around the band
                    lower.insert(0, String.format(Locale.ROOT, "%.1f,%.1f ", px, y(s.mean()[i] - s.std()[i], yMin,
                            yMax, y0, plotH)));
                    double py = y(s.mean()[i], yMin, yMax, y0, plotH);
                    line.append(String.format(Locale.ROOT, "%.1f,%.1f ", px, py));
                    // a marker too, so that a one-epoch curve still shows
                    b.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2.5\" fill=\"%s\"/>%n", px,
                            py, color));
                } else if (!line.isEmpty()) {
                    b.append(String.format(Locale.ROOT, "<polygon fill=\"%s\" fill-opacity=\"0.2\" stroke=\"none\""
                            + " points=\"%s\"/>%n", color, (upper.toString() + lower).trim()));
                    b.append(String.format(Locale.ROOT, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\""
                            + " points=\"%s\"/>%n", color, line.toString().trim()));
                    upper.setLength(0);
                    lower.setLength(0);
                    line.setLength(0);
                }
            }
            int ly = top + TOP + 10 + 20 * k;
            int lx = LEFT + (int) plotW + 14;
            b.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\""
                    + " stroke-width=\"2\"/>%n", lx, ly, lx + 22, ly, color));
            b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\">%s</text>%n", lx + 28, ly + 4,
                    LinePlot.escape(s.label())));
        }
    }

    private static boolean finite(Series s, int i) {
        return Double.isFinite(s.x()[i]) && Double.isFinite(s.mean()[i]) && Double.isFinite(s.std()[i]);
    }

    private static double y(double v, double yMin, double yMax, double y0, double plotH) {
        return y0 + plotH - plotH * (v - yMin) / (yMax - yMin);
    }
}
