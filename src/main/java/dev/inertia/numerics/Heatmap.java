package dev.inertia.numerics;

import java.util.Locale;
import java.util.Objects;

/**
 * A grid of values as a standalone SVG heatmap: one coloured cell per (row, column), its text
 * printed inside, a colour scale with its legend beside. The alpha-beta grid of INNAprop draws
 * test accuracy over (alpha, beta) this way, as the INNAprop paper's CIFAR-10 figure does. A
 * non-finite value is a grey cell showing its text (a skipped or diverged configuration).
 */
public final class Heatmap {
    private static final int CELL_W = 90, CELL_H = 44, LEFT = 90, TOP = 50, BOTTOM = 60, LEGEND = 120;
    private static final int LEGEND_STEPS = 10;
    /** Viridis at five stops: dark purple (low) through teal to yellow (high). */
    private static final int[][] STOPS = {{68, 1, 84}, {59, 82, 139}, {33, 145, 140}, {94, 201, 98},
        {253, 231, 37}};

    private Heatmap() {}

    /**
     * The SVG document of {@code values[r][c]}, row r labelled {@code rowValues[r]} on the vertical
     * axis and column c labelled {@code columnValues[c]} on the horizontal one; {@code text[r][c]}
     * is printed in each cell. The colour scale spans the finite values.
     */
    public static String svg(String title, String rowLabel, String columnLabel, String[] rowValues,
            String[] columnValues, double[][] values, String[][] text) {
        Objects.requireNonNull(title, "title");
        int rows = rowValues.length, cols = columnValues.length;
        if (values.length != rows || text.length != rows) {
            throw new IllegalArgumentException("a heatmap needs one row of values and of text per row label, got "
                    + values.length + " and " + text.length + " for " + rows);
        }
        double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
        for (int r = 0; r < rows; r++) {
            if (values[r].length != cols || text[r].length != cols) {
                throw new IllegalArgumentException("row " + r + " has " + values[r].length + " values and "
                        + text[r].length + " texts for " + cols + " columns");
            }
            for (double v : values[r]) {
                if (Double.isFinite(v)) {
                    lo = Math.min(lo, v);
                    hi = Math.max(hi, v);
                }
            }
        }
        if (lo > hi) { // nothing finite: any scale will do
            lo = 0;
            hi = 1;
        }
        int width = LEFT + cols * CELL_W + LEGEND, height = TOP + rows * CELL_H + BOTTOM;
        StringBuilder b = new StringBuilder();
        b.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        b.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\""
                + " viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"12\">%n", width, height, width, height));
        b.append(String.format(Locale.ROOT, "<rect x=\"0\" y=\"0\" width=\"%d\" height=\"%d\" fill=\"white\"/>%n",
                width, height));
        b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"24\" font-size=\"14\" text-anchor=\"middle\">%s</text>%n",
                LEFT + cols * CELL_W / 2, LinePlot.escape(title)));
        for (int r = 0; r < rows; r++) {
            int y = TOP + r * CELL_H;
            b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>%n", LEFT - 8,
                    y + CELL_H / 2 + 4, LinePlot.escape(rowValues[r])));
            for (int c = 0; c < cols; c++) {
                int x = LEFT + c * CELL_W;
                double v = values[r][c];
                boolean finite = Double.isFinite(v);
                double t = hi > lo ? (v - lo) / (hi - lo) : 0.5;
                b.append(String.format(Locale.ROOT, "<rect class=\"cell\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\""
                        + " fill=\"%s\" stroke=\"white\"/>%n", x, y, CELL_W, CELL_H, finite ? color(t) : "#cccccc"));
                b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" fill=\"%s\">%s"
                        + "</text>%n", x + CELL_W / 2, y + CELL_H / 2 + 4, finite && t < 0.6 ? "white" : "black",
                        LinePlot.escape(text[r][c])));
            }
        }
        for (int c = 0; c < cols; c++) {
            b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s</text>%n",
                    LEFT + c * CELL_W + CELL_W / 2, TOP + rows * CELL_H + 18, LinePlot.escape(columnValues[c])));
        }
        b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s</text>%n",
                LEFT + cols * CELL_W / 2, TOP + rows * CELL_H + 42, LinePlot.escape(columnLabel)));
        int mid = TOP + rows * CELL_H / 2;
        b.append(String.format(Locale.ROOT, "<text x=\"18\" y=\"%d\" text-anchor=\"middle\" transform=\"rotate(-90"
                + " 18 %d)\">%s</text>%n", mid, mid, LinePlot.escape(rowLabel)));
        legend(b, LEFT + cols * CELL_W + 24, TOP, rows * CELL_H, lo, hi);
        b.append("</svg>\n");
        return b.toString();
    }

    /** The colour scale: {@link #LEGEND_STEPS} bands from {@code hi} (top) to {@code lo}, labelled at both ends. */
    private static void legend(StringBuilder b, int x, int top, int height, double lo, double hi) {
        double step = (double) height / LEGEND_STEPS;
        for (int i = 0; i < LEGEND_STEPS; i++) {
            double t = 1 - (i + 0.5) / LEGEND_STEPS;
            b.append(String.format(Locale.ROOT, "<rect class=\"legend\" x=\"%d\" y=\"%.1f\" width=\"18\""
                    + " height=\"%.1f\" fill=\"%s\"/>%n", x, top + i * step, step + 0.5, color(t)));
        }
        int decimals = LinePlot.decimals(Math.max((hi - lo) / 10, 1e-6));
        b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\">%s</text>%n", x + 24, top + 10,
                LinePlot.tick(hi, decimals)));
        b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\">%s</text>%n", x + 24, top + height,
                LinePlot.tick(lo, decimals)));
    }

    /** The colour at {@code t} in [0, 1] along {@link #STOPS}, as {@code #rrggbb}. */
    static String color(double t) {
        double u = Math.max(0, Math.min(1, t)) * (STOPS.length - 1);
        int i = Math.min((int) u, STOPS.length - 2);
        double f = u - i;
        int[] rgb = new int[3];
        for (int k = 0; k < 3; k++) {
            rgb[k] = (int) Math.round(STOPS[i][k] + f * (STOPS[i + 1][k] - STOPS[i][k]));
        }
        return String.format(Locale.ROOT, "#%02x%02x%02x", rgb[0], rgb[1], rgb[2]);
    }
}
