package dev.inertia.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class StepTimerTest {
    @Test
    void percentilesOfKnownDurations() {
        StepTimer t = new StepTimer();
        for (int ms = 100; ms >= 1; ms--) {
            t.record(ms * 1_000_000L);
        }
        assertEquals(100, t.count());
        assertEquals(50, t.p50Ms(), 50 * 1e-3, "within HdrHistogram's 3 significant digits");
        assertEquals(99, t.p99Ms(), 99 * 1e-3);
        assertEquals(100, t.maxMs(), 100 * 1e-3);
        assertEquals(50.5, t.meanMs(), 1e-12, "the mean is exact");
        assertEquals(5050_000_000L, t.totalNanos());
        assertEquals(1, t.percentileMs(0), 1e-3);
        assertTrue(t.summary().startsWith("p50 50."), t.summary());
    }

    @Test
    void skewedDistribution() {
        StepTimer t = new StepTimer();
        for (int i = 0; i < 990; i++) {
            t.record(2_000_000); // 2 ms
        }
        for (int i = 0; i < 10; i++) {
            t.record(40_000_000); // 40 ms stalls, 1%
        }
        assertEquals(2, t.p50Ms(), 2e-3);
        assertEquals(2, t.p99Ms(), 2e-3, "the 99th percentile is still a normal step");
        assertEquals(40, t.percentileMs(99.5), 40e-3);
        assertEquals(40, t.maxMs(), 40e-3);
    }

    @Test
    void startStopEmptyResetAndLimits() throws InterruptedException {
        StepTimer t = new StepTimer();
        assertEquals(0, t.p50Ms());
        assertEquals(0, t.maxMs());
        assertEquals(0, t.meanMs());
        assertThrows(IllegalStateException.class, t::stop);
        t.start();
        Thread.sleep(2);
        long ns = t.stop();
        assertTrue(ns >= 2_000_000, ns + " ns");
        assertEquals(1, t.count());
        t.record(Long.MAX_VALUE / 2); // beyond an hour: counted as an hour, not an exception
        assertEquals(3_600_000, t.maxMs(), 3_600);
        assertThrows(IllegalArgumentException.class, () -> t.record(-1));
        assertThrows(IllegalArgumentException.class, () -> t.percentileMs(101));
        t.reset();
        assertEquals(0, t.count());
        assertEquals(0, t.totalNanos());
    }
}
