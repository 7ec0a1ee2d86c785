package dev.inertia.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

/** Every chunk runs exactly once, whoever runs it, whatever else is going on. */
class ParallelTest {
    @Test
    void eachChunkRunsOnce() {
        for (int job = 0; job < 2_000; job++) {
            int chunks = 1 + job % 37;
            AtomicIntegerArray runs = new AtomicIntegerArray(chunks);
            Parallel.forEach(chunks, 4, runs::incrementAndGet);
            for (int c = 0; c < chunks; c++) {
                assertEquals(1, runs.get(c), "job " + job + ", chunk " + c);
            }
        }
    }

    /** Workers spin a while after a job, then park: jobs arriving in either state run every chunk once. */
    @Test
    void jobsAfterSpinningAndAfterParkingRunEveryChunk() throws Exception {
        try (KernelPool pool = KernelPool.ofThreads(3); KernelPool.Binding bound = pool.bind()) {
            for (long pauseMillis : new long[] {0, 0, 5, 0, 20, 1}) {
                Thread.sleep(pauseMillis); // 5 and 20 ms outlast the default spin: the workers park
                AtomicIntegerArray runs = new AtomicIntegerArray(12);
                Parallel.forEach(12, runs::incrementAndGet);
                for (int c = 0; c < 12; c++) {
                    assertEquals(1, runs.get(c), "after a pause of " + pauseMillis + " ms, chunk " + c);
                }
            }
        }
    }

    @Test
    void nestedAndConcurrentJobsRunInline() throws Exception {
        ExecutorService callers = Executors.newFixedThreadPool(3);
        try {
            Future<?>[] futures = new Future<?>[3];
            for (int t = 0; t < futures.length; t++) {
                futures[t] = callers.submit(() -> {
                    for (int job = 0; job < 300; job++) {
                        AtomicIntegerArray runs = new AtomicIntegerArray(16);
                        Parallel.forEach(4, outer -> Parallel.forEach(4, inner -> runs.incrementAndGet(outer * 4 + inner)));
                        for (int c = 0; c < 16; c++) {
                            assertEquals(1, runs.get(c));
                        }
                    }
                    return null;
                });
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } finally {
            callers.shutdownNow();
        }
    }

    @Test
    void chunkFailureReachesCaller() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Parallel.forEach(8, 2, c -> {
            if (c == 5) {
                throw new IllegalStateException("chunk five failed");
            }
        }));
        assertEquals("chunk five failed", e.getMessage());
        AtomicIntegerArray runs = new AtomicIntegerArray(8);
        Parallel.forEach(8, 2, runs::incrementAndGet);
        for (int c = 0; c < 8; c++) {
            assertEquals(1, runs.get(c), "the pool still works after a failure");
        }
    }

    @Test
    void rejectsBadThreadCount() {
        assertThrows(IllegalArgumentException.class, () -> KernelPool.ofThreads(0));
    }
}
