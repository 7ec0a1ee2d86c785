package dev.inertia.numerics;

import dev.inertia.autodiff.KinkReport;
import dev.inertia.autodiff.Tape;
import dev.inertia.autodiff.Var;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Sums the {@link KinkReport}s of many steps of the same computation: per op with kinks (keyed by
 * its position on the tape, so each layer's ReLU or max-pool is its own row), the kink hits, the
 * live hits (those with a nonzero incoming gradient, where the choice of {@code Kinks} changed
 * the result) and the steps with a live hit; overall, the share of steps that were provably smooth
 * (no live hit anywhere: the sweep computed the true derivative whatever the kink policy).
 *
 * <p>Usable in any loop that runs a reverse or tangent sweep: call {@link #record} with
 * {@code tape.kinkReport()} after each sweep.
 */
public final class KinkMonitor {
    /** One op's totals over the recorded steps. */
    public record OpTotals(int index, String op, long hits, long live, long liveSteps) {}

    private final TreeMap<Integer, long[]> totals = new TreeMap<>();
    private final TreeMap<Integer, String> names = new TreeMap<>();
    private long steps;
    private long smoothSteps;

    /** Adds one step's report. The ops must be those of earlier steps (the same model). */
    public void record(KinkReport report) {
        Objects.requireNonNull(report, "report");
        for (KinkReport.Entry e : report.ops()) {
            String known = names.putIfAbsent(e.index(), e.op());
            if (known != null && !known.equals(e.op())) {
                throw new IllegalArgumentException("op " + e.index() + " was " + known + " in earlier steps and is "
                        + e.op() + " now: a monitor sums the steps of one computation");
            }
            long[] t = totals.computeIfAbsent(e.index(), i -> new long[3]);
            t[0] += e.hits();
            t[1] += e.live();
            t[2] += e.live() > 0 ? 1 : 0;
        }
        steps++;
        smoothSteps += report.smooth() ? 1 : 0;
    }

    /** Runs {@code tape}'s reverse sweep from {@code loss} and records its kink report, which it returns. */
    public KinkReport backward(Tape tape, Var loss) {
        tape.backward(loss);
        KinkReport report = tape.kinkReport();
        record(report);
        return report;
    }

    /** Adds every step {@code other} recorded (e.g. another thread's monitor of the same computation). */
    public void add(KinkMonitor other) {
        Objects.requireNonNull(other, "other");
        other.totals.forEach((i, t) -> {
            String op = other.names.get(i);
            String known = names.putIfAbsent(i, op);
            if (known != null && !known.equals(op)) {
                throw new IllegalArgumentException("op " + i + " is " + known + " here and " + op + " in the other"
                        + " monitor: a monitor sums the steps of one computation");
            }
            long[] mine = totals.computeIfAbsent(i, k -> new long[3]);
            for (int j = 0; j < 3; j++) {
                mine[j] += t[j];
            }
        });
        steps += other.steps;
        smoothSteps += other.smoothSteps;
    }

    /** Steps recorded. */
    public long steps() {
        return steps;
    }

    /** Steps without any live kink hit. */
    public long smoothSteps() {
        return smoothSteps;
    }

    /** The share of recorded steps that were provably smooth (1 when none was recorded). */
    public double smoothShare() {
        return steps == 0 ? 1 : (double) smoothSteps / steps;
    }

    /** Per op with kinks, in tape order. */
    public List<OpTotals> ops() {
        List<OpTotals> list = new ArrayList<>();
        totals.forEach((i, t) -> list.add(new OpTotals(i, names.get(i), t[0], t[1], t[2])));
        return list;
    }

    /** A small table: one line per op, then the smooth share. */
    public String summary() {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%-6s %-10s %14s %14s %12s%n", "op#", "op",
                "kink hits", "live hits", "live steps"));
        for (OpTotals o : ops()) {
            sb.append(String.format(Locale.ROOT, "%-6d %-10s %,14d %,14d %,12d%n", o.index(), o.op(), o.hits(),
                    o.live(), o.liveSteps()));
        }
        sb.append(String.format(Locale.ROOT, "provably smooth steps: %,d of %,d (%.2f%%)%n", smoothSteps, steps,
                100 * smoothShare()));
        return sb.toString();
    }
}
