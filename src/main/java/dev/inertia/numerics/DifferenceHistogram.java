package dev.inertia.numerics;

import dev.inertia.io.AtomicFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * A histogram of log10 ||Δgrad||_∞ over the mini-batches of the bifurcation experiments, with
 * exact zeros (and non-finite differences) in bins of their own, drawn as a standalone SVG with
 * the threshold τ marked. Bins are {@value #BINS_PER_DECADE} per decade; every recorded
 * difference lands in exactly one bin, so the bins sum to {@link #total()}. Not thread-safe:
 * each worker fills its own and {@link #add} merges them.
 */
public final class DifferenceHistogram {
    /** Bins per decade of log10 ||Δgrad||_∞. */
    public static final int BINS_PER_DECADE = 4;
    private static final int WIDTH = 720, HEIGHT = 420, LEFT = 70, RIGHT = 30, TOP = 40, BOTTOM = 70;

    private final TreeMap<Integer, Long> bins = new TreeMap<>();
    private long zeros;
    private long nonFinite;

    /** Counts one mini-batch whose gradients differ by {@code difference} (>= 0, or NaN/infinite). */
    public void record(double difference) {
        if (difference == 0) {
            zeros++;
        } else if (!Double.isFinite(difference)) {
            nonFinite++;
        } else if (difference < 0) {
            throw new IllegalArgumentException("a largest absolute difference is never negative, got " + difference);
        } else {
            bins.merge(bin(difference), 1L, Long::sum);
        }
    }

    /** Adds the counts of {@code other} to this one. */
    public void add(DifferenceHistogram other) {
        zeros += other.zeros;
        nonFinite += other.nonFinite;
        other.bins.forEach((k, v) -> bins.merge(k, v, Long::sum));
    }

    /**
     * The bin of a positive finite difference: bin k holds (10^(k/b), 10^((k+1)/b)], b bins per
     * decade. Closed above, as the compensation zone is (d &lt;= τ), so a power-of-ten τ is the
     * upper edge of the last compensation bin and no bin mixes the two zones.
     */
    static int bin(double difference) {
        int k = (int) Math.ceil(Math.log10(difference) * BINS_PER_DECADE) - 1;
        // log10 rounds: a value an ulp off an edge can land one bin off, so check against the edges
        if (difference > upperEdge(k)) {
            k++;
        } else if (difference <= upperEdge(k - 1)) {
            k--;
        }
        return k;
    }

    /**
     * The upper edge of bin k, 10^((k+1)/b); at whole decades the double nearest the decimal
     * power, the same as the literal 1e-7, so a power-of-ten τ is an edge exactly.
     */
    static double upperEdge(int k) {
        return (k + 1) % BINS_PER_DECADE == 0 ? Double.parseDouble("1e" + (k + 1) / BINS_PER_DECADE)
                : Math.pow(10, (double) (k + 1) / BINS_PER_DECADE);
    }

    /** Mini-batches with exactly zero difference. */
    public long zeros() {
        return zeros;
    }

    /** Mini-batches whose difference was NaN or infinite. */
    public long nonFinite() {
        return nonFinite;
    }

    /** The positive finite differences by bin: key k holds (10^(k/b), 10^((k+1)/b)], b = bins per decade. */
    public Map<Integer, Long> bins() {
        return java.util.Collections.unmodifiableMap(bins);
    }

    /** Every recorded mini-batch: the zero bin, the log bins and the non-finite bin together. */
    public long total() {
        long sum = zeros + nonFinite;
        for (long v : bins.values()) {
            sum += v;
        }
        return sum;
    }

    /**
     * The SVG document: one bar for exact zeros, one per log bin from the lowest occupied to the
     * highest (and to τ's, so the line always falls inside), one for non-finite differences when
     * there are any; a dashed vertical line at log10 τ. Bar heights are on a log scale of the
     * count (log10(1 + count)): the zero bin is often thousands of times the others.
     */
    public String svg(String title, double tau) {
        GradientZone.checkTau(tau);
        boolean tauShown = tau > 0;
        int tauBin = tauShown ? bin(tau) : 0;
        int low = bins.isEmpty() ? tauBin : Math.min(bins.firstKey(), tauBin);
        int high = bins.isEmpty() ? tauBin : Math.max(bins.lastKey(), tauBin);
        int logBars = high - low + 1;
        int bars = 1 + logBars + (nonFinite > 0 ? 1 : 0);
        long tallest = Math.max(1, Math.max(zeros, nonFinite));
        for (long v : bins.values()) {
            tallest = Math.max(tallest, v);
        }
        double plotW = WIDTH - LEFT - RIGHT, plotH = HEIGHT - TOP - BOTTOM;
        double slot = plotW / (bars + 1); // one empty slot between the zero bar and the log bars
        StringBuilder s = new StringBuilder();
        s.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        s.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\""
                + " viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"12\">%n", WIDTH, HEIGHT, WIDTH,
                HEIGHT));
        s.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", WIDTH, HEIGHT));
        s.append(String.format(Locale.ROOT,
                "<text x=\"%d\" y=\"24\" text-anchor=\"middle\" font-size=\"14\">%s</text>%n",
                WIDTH / 2, LinePlot.escape(title)));
        bar(s, 0, slot, zeros, tallest, plotH, "#7f7f7f", "zero", "exact zero");
        for (int k = low; k <= high; k++) {
            long count = bins.getOrDefault(k, 0L);
            // red: the bin reaches above τ (bifurcation); blue: wholly within compensation
            String color = tauShown && upperEdge(k) > tau ? "#d62728" : "#1f77b4";
            String label = k % BINS_PER_DECADE == 0 ? Integer.toString(k / BINS_PER_DECADE) : "";
            bar(s, 2 + (k - low), slot, count, tallest, plotH, color, label,
                    String.format(Locale.ROOT, "(1e%.2f, 1e%.2f]", (double) k / BINS_PER_DECADE,
                            (double) (k + 1) / BINS_PER_DECADE));
        }
        if (nonFinite > 0) {
            bar(s, 2 + logBars, slot, nonFinite, tallest, plotH, "#000000", "NaN", "not finite");
        }
        if (tauShown) {
            // τ sits at its fractional position along the log axis (a bin's upper edge when a power of ten)
            double position = Math.log10(tau) * BINS_PER_DECADE - low;
            double x = LEFT + (2 + position) * slot;
            s.append(String.format(Locale.ROOT, "<line class=\"tau\" x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%.1f\""
                    + " stroke=\"black\" stroke-dasharray=\"5,4\"/>%n", x, TOP, x, TOP + plotH));
            s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" font-size=\"11\">τ = %s</text>%n", x + 4,
                    TOP + 12, LinePlot.escape(String.format(Locale.ROOT, "%.0e", tau))));
        }
        s.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"black\"/>%n",
                LEFT, TOP + plotH, WIDTH - RIGHT, TOP + plotH));
        s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">log10 of the largest"
                + " gradient difference (exact zeros left, bins of 1/%d decade)</text>%n", WIDTH / 2, HEIGHT - 20,
                BINS_PER_DECADE));
        s.append(String.format(Locale.ROOT,
                "<text x=\"16\" y=\"%d\" text-anchor=\"middle\" transform=\"rotate(-90 16 %d)\">"
                + "mini-batches (log scale, tallest %d)</text>%n", HEIGHT / 2, HEIGHT / 2, tallest));
        s.append("</svg>\n");
        return s.toString();
    }

    private static void bar(StringBuilder s, int index, double slot, long count, long tallest, double plotH,
            String color, String label, String range) {
        double h = plotH * Math.log10(1 + count) / Math.log10(1 + tallest);
        double x = LEFT + index * slot;
        s.append(String.format(Locale.ROOT, "<rect class=\"bin\" data-count=\"%d\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\""
                + " height=\"%.1f\" fill=\"%s\"><title>%s: %d</title></rect>%n", count, x + 1, TOP + plotH - h,
                Math.max(1, slot - 2), h, color, LinePlot.escape(range), count));
        if (!label.isEmpty()) {
            s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%s</text>%n",
                    x + slot / 2, TOP + plotH + 16, label));
        }
    }

    /** Writes {@link #svg} to {@code file} atomically ({@link AtomicFile}). */
    public void write(Path file, String title, double tau) throws IOException {
        ByteBuffer bytes = ByteBuffer.wrap(svg(title, tau).getBytes(StandardCharsets.UTF_8));
        AtomicFile.write(file, channel -> {
            while (bytes.hasRemaining()) {
                channel.write(bytes);
            }
        });
    }
}
