package dev.inertia.autodiff;

import java.util.List;

/**
 * Kink hits of the last reverse or tangent sweep of a tape: per op with kinks, how many
 * inputs sat exactly on a kink ({@code hits}; for max ops: windows whose maximum is tied) and
 * how many of those received a nonzero incoming gradient or tangent ({@code live}, the hits
 * where the choice of {@link Kinks} changed the result).
 */
public record KinkReport(String pass, List<Entry> ops) {
    /** One op's counts; {@code index} is its position on the tape. */
    public record Entry(int index, String op, long hits, long live) {}

    public KinkReport {
        ops = List.copyOf(ops);
    }

    public long hits() {
        return ops.stream().mapToLong(Entry::hits).sum();
    }

    public long live() {
        return ops.stream().mapToLong(Entry::live).sum();
    }

    /**
     * True when no kink received a nonzero gradient: the sweep computed the true (Clarke)
     * derivative, whatever {@link Kinks} says.
     */
    public boolean smooth() {
        return live() == 0;
    }
}
