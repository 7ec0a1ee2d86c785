package dev.inertia.cli;

import dev.inertia.autodiff.Precision;
import dev.inertia.io.Json;
import dev.inertia.numerics.SeedSummary;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The per-seed figures of {@code inertia bifurcation --seeds N} and their mean ± std
 * ({@link SeedSummary}): a table with one row per seed and a summary row, or one summary JSON line.
 * Every seed reports the same figures, in the same order.
 */
final class SeedTable {
    private final List<Long> seeds = new ArrayList<>();
    private final List<Map<String, Double>> rows = new ArrayList<>();

    /** Adds the figures of the run with {@code seed}. */
    void add(long seed, Map<String, Double> figures) {
        if (!rows.isEmpty() && !rows.getFirst().keySet().equals(figures.keySet())) {
            throw new IllegalArgumentException("every seed reports the same figures: " + rows.getFirst().keySet()
                    + " against " + figures.keySet());
        }
        seeds.add(seed);
        rows.add(new LinkedHashMap<>(figures)); // keeps the caller's order for the summary line
    }

    /** Mean ± std over the seeds of the figure {@code name}. */
    SeedSummary summary(String name) {
        double[] values = new double[rows.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = rows.get(i).get(name);
        }
        return SeedSummary.of(values);
    }

    /** One JSON line: the first and last seed run, then {@code NAME_mean} and {@code NAME_std} for every figure. */
    String summaryJson(String mode, Precision precision, double tau) {
        Json json = new Json().put("summary", true).put("mode", mode).put("precision", precision.toString())
                .put("tau", tau).put("seeds", rows.size()).put("seed_first", seeds.getFirst())
                .put("seed_last", seeds.getLast());
        for (String name : rows.getFirst().keySet()) {
            SeedSummary s = summary(name);
            json.put(name + "_mean", s.mean()).put(name + "_std", s.std());
        }
        return json.toString();
    }

    /** The table: a row per seed (shares in percent), then mean ± std. */
    String text(Precision precision, double tau) {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "%s, tau %.0e, %d seeds%n", precision, tau, rows.size()));
        b.append(String.format(Locale.ROOT, "%-12s %-18s %-14s %-18s %-18s %s%n", "seed", "init hit share %",
                "mini-batches", "compensation %", "bifurcation %", "seconds"));
        for (int i = 0; i < rows.size(); i++) {
            Map<String, Double> r = rows.get(i);
            b.append(String.format(Locale.ROOT, "%-12d %-18.2f %-14.0f %-18s %-18s %.1f%n", seeds.get(i),
                    100 * r.get("hit_share"), r.get("batches_checked"),
                    String.format(Locale.ROOT, "%.3f (%.0f)", 100 * r.get("compensation_share"),
                            r.get("compensation_batches")),
                    String.format(Locale.ROOT, "%.3f (%.0f)", 100 * r.get("bifurcation_share"),
                            r.get("bifurcation_batches")),
                    r.get("seconds")));
        }
        b.append(String.format(Locale.ROOT, "%-12s %-18s %-14s %-18s %-18s %s%n", "mean ± std",
                percent("hit_share", 2), summary("batches_checked").format(0), percent("compensation_share", 3),
                percent("bifurcation_share", 3), summary("seconds").format(1)));
        return b.toString();
    }

    private String percent(String name, int decimals) {
        SeedSummary s = summary(name);
        return new SeedSummary(s.n(), 100 * s.mean(), 100 * s.std()).format(decimals);
    }
}
