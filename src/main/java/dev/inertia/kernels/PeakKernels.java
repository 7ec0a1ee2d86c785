package dev.inertia.kernels;

/**
 * A probe of the machine's floating-point peak: chains of fused multiply-adds with nothing else
 * in the loop, enough of them independent to keep every FMA unit busy through its latency.
 * {@code inertia bench peak} times it to state the FP32 peak of one core as Java reaches it, the
 * denominator of the efficiency figures in docs/PERFORMANCE.md.
 */
public interface PeakKernels {
    /** Independent chains (accumulators) the loop keeps in flight. */
    int chains();

    /** Float lanes per chain: the vector width in floats, 1 for the scalar twin. */
    int lanes();

    /** Floating-point operations one iteration performs: 2 per lane of every chain. */
    default long flopsPerIteration() {
        return 2L * chains() * lanes();
    }

    /**
     * Runs {@code iterations} steps of {@code acc = fma(acc, MULTIPLIER, ADDEND)} on every lane of
     * every chain, chain {@code c} starting at {@link #start(int) start(c)}, and returns the final
     * accumulators, chain after chain ({@code chains() * lanes()} values): returning them keeps the
     * compiler from dropping the work, and lets a test check every lane against the recurrence.
     */
    float[] fmaChains(long iterations);

    /** The recurrence's multiplier: below 1, so the accumulators converge and never overflow. */
    float MULTIPLIER = 0.99999f;
    /** The recurrence's addend. */
    float ADDEND = 1e-5f;

    /** Chain {@code c}'s starting value: distinct per chain, so no compiler can merge two chains. */
    static float start(int c) {
        return 0.5f + c / 64f;
    }
}
