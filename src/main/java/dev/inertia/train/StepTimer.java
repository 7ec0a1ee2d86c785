package dev.inertia.train;

import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * Step latencies: {@link #start()} / {@link #stop()} around each training step (or
 * {@link #record(long)} a measured duration), then percentiles in milliseconds.
 *
 * <p>Durations go into an HdrHistogram with 3 significant digits over 1 ns to 1 hour, so every
 * reported figure is within 0.1% of the true one; durations beyond an hour count as an hour.
 * Recording allocates nothing. Not thread-safe: one timer per training loop.
 */
public final class StepTimer {
    private static final long HIGHEST_NANOS = TimeUnit.HOURS.toNanos(1);
    private static final double NANOS_PER_MS = 1e6;

    private final Histogram histogram = new Histogram(HIGHEST_NANOS, 3);
    private long startedAt;
    private boolean running;
    private long totalNanos;

    /** Marks the start of a step. */
    public void start() {
        running = true;
        startedAt = System.nanoTime();
    }

    /** Marks the end of the step begun by {@link #start()}; records and returns its duration in ns. */
    public long stop() {
        long elapsed = System.nanoTime() - startedAt;
        if (!running) {
            throw new IllegalStateException("stop() without start()");
        }
        running = false;
        record(elapsed);
        return elapsed;
    }

    /** Records one step that took {@code nanos} nanoseconds. */
    public void record(long nanos) {
        if (nanos < 0) {
            throw new IllegalArgumentException("a step cannot take negative time: " + nanos + " ns");
        }
        totalNanos += nanos;
        histogram.recordValue(Math.min(nanos, HIGHEST_NANOS));
    }

    /** Steps recorded. */
    public long count() {
        return histogram.getTotalCount();
    }

    /** The sum of all recorded durations, in nanoseconds (exact, not bucketed). */
    public long totalNanos() {
        return totalNanos;
    }

    /** The median step time in ms (0 when nothing was recorded). */
    public double p50Ms() {
        return percentileMs(50);
    }

    /** The 99th-percentile step time in ms (0 when nothing was recorded). */
    public double p99Ms() {
        return percentileMs(99);
    }

    /** The longest step in ms (0 when nothing was recorded). */
    public double maxMs() {
        return count() == 0 ? 0 : histogram.getMaxValue() / NANOS_PER_MS;
    }

    /** The mean step time in ms, from the exact total (0 when nothing was recorded). */
    public double meanMs() {
        return count() == 0 ? 0 : totalNanos / NANOS_PER_MS / count();
    }

    /** The step time at {@code percentile} (0..100) in ms (0 when nothing was recorded). */
    public double percentileMs(double percentile) {
        if (!(percentile >= 0 && percentile <= 100)) {
            throw new IllegalArgumentException("percentile must be in 0..100, not " + percentile);
        }
        return count() == 0 ? 0 : histogram.getValueAtPercentile(percentile) / NANOS_PER_MS;
    }

    /** Forgets everything recorded (for instance at the start of an epoch). */
    public void reset() {
        histogram.reset();
        totalNanos = 0;
        running = false;
    }

    /** Like {@code p50 1.234 ms, p99 2.345 ms, max 3.456 ms over 468 steps}. */
    public String summary() {
        return String.format("p50 %.3f ms, p99 %.3f ms, max %.3f ms over %d steps", p50Ms(), p99Ms(), maxMs(), count());
    }

    @Override
    public String toString() {
        return "StepTimer[" + summary() + "]";
    }
}
