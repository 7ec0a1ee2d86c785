package dev.inertia.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Pools as values: their own threads, bound per call, restored afterwards, unusable once closed. */
class KernelPoolTest {
    /** Long enough for a worker that is slow to wake never to fail the test; a hung pool still ends it. */
    private static final long MEET_SECONDS = 60;

    /**
     * The threads that ran a 2-chunk job in which each chunk waits for the other: one thread
     * alone would wait forever (the barrier breaks), so the job only ends on two.
     */
    private static Set<Thread> threadsOfMeetingJob() {
        Set<Thread> seen = ConcurrentHashMap.newKeySet();
        CyclicBarrier meet = new CyclicBarrier(2);
        Parallel.forEach(2, c -> {
            seen.add(Thread.currentThread());
            try {
                meet.await(MEET_SECONDS, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new IllegalStateException("chunk " + c + " found no second thread", e);
            }
        });
        return seen;
    }

    @Test
    void poolOfTwoUsesTwoThreads() {
        try (KernelPool pool = KernelPool.ofThreads(2)) {
            Set<Thread> seen = pool.call(KernelPoolTest::threadsOfMeetingJob);
            assertEquals(2, seen.size());
            assertTrue(seen.contains(Thread.currentThread()), "the caller runs chunks too");
            assertTrue(seen.stream().anyMatch(t -> t.getName().startsWith("inertia-pool-")), seen.toString());
        }
    }

    /** Two callers, each with a 2-thread pool of its own, each get two threads at the same time. */
    @Test
    void concurrentCallersWithPoolsOfTheirOwnEachGetTheirThreads() throws Exception {
        ExecutorService callers = Executors.newFixedThreadPool(2);
        try (KernelPool a = KernelPool.ofThreads(2); KernelPool b = KernelPool.ofThreads(2)) {
            CyclicBarrier together = new CyclicBarrier(2);
            Future<Set<Thread>> fa = callers.submit(() -> {
                together.await(MEET_SECONDS, TimeUnit.SECONDS);
                return a.call(KernelPoolTest::threadsOfMeetingJob);
            });
            Future<Set<Thread>> fb = callers.submit(() -> {
                together.await(MEET_SECONDS, TimeUnit.SECONDS);
                return b.call(KernelPoolTest::threadsOfMeetingJob);
            });
            Set<Thread> ta = fa.get(), tb = fb.get();
            assertEquals(2, ta.size());
            assertEquals(2, tb.size());
            assertTrue(ta.stream().noneMatch(tb::contains), "no thread served both callers");
        } finally {
            callers.shutdownNow();
        }
    }

    /** A kernel called inside a chunk, on the caller or on a worker, stays on the chunk's pool. */
    @Test
    void chunksRunWithTheirPoolBound() {
        try (KernelPool pool = KernelPool.ofThreads(2)) {
            Set<KernelPool> seen = ConcurrentHashMap.newKeySet();
            Set<Thread> threads = ConcurrentHashMap.newKeySet();
            CyclicBarrier meet = new CyclicBarrier(2);
            pool.forEach(2, c -> { // not bound by the caller: forEach binds the pool for its chunks
                seen.add(KernelPool.current());
                threads.add(Thread.currentThread());
                try {
                    meet.await(MEET_SECONDS, TimeUnit.SECONDS);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            assertEquals(2, threads.size());
            assertEquals(Set.of(pool), seen);
            assertSame(KernelPool.shared(), KernelPool.current(), "the caller's binding is restored");
        }
    }

    @Test
    void eachChunkRunsOnceOnAPool() {
        try (KernelPool pool = KernelPool.ofThreads(3)) {
            for (int job = 0; job < 500; job++) {
                int chunks = 1 + job % 29;
                AtomicIntegerArray runs = new AtomicIntegerArray(chunks);
                pool.forEach(chunks, runs::incrementAndGet);
                for (int c = 0; c < chunks; c++) {
                    assertEquals(1, runs.get(c), "job " + job + ", chunk " + c);
                }
            }
        }
    }

    @Test
    void bindingsNestAndRestore() {
        assertSame(KernelPool.shared(), KernelPool.current(), "an unbound thread uses the shared pool");
        try (KernelPool outer = KernelPool.ofThreads(3); KernelPool inner = KernelPool.ofThreads(1)) {
            try (KernelPool.Binding b1 = outer.bind()) {
                assertSame(outer, KernelPool.current());
                assertEquals(3, Parallel.threads());
                try (KernelPool.Binding b2 = inner.bind()) {
                    assertSame(inner, KernelPool.current());
                    assertEquals(1, Parallel.threads());
                }
                assertSame(outer, KernelPool.current());
                inner.run(() -> assertSame(inner, KernelPool.current()));
                assertSame(outer, KernelPool.current());
            }
            assertSame(KernelPool.shared(), KernelPool.current());
        }
    }

    @Test
    void bindingIsRestoredWhenTheCallThrows() {
        try (KernelPool pool = KernelPool.ofThreads(2)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> pool.run(() -> {
                throw new IllegalArgumentException("boom");
            }));
            assertEquals("boom", e.getMessage());
            assertSame(KernelPool.shared(), KernelPool.current());
            assertThrows(IllegalStateException.class, () -> pool.run(() -> Parallel.forEach(4, 2, c -> {
                if (c == 3) {
                    throw new IllegalStateException("chunk three");
                }
            })));
            assertSame(KernelPool.shared(), KernelPool.current(), "a chunk's failure unbinds too");
        }
    }

    @Test
    void bindingsAreThreadLocal() throws Exception {
        try (KernelPool pool = KernelPool.ofThreads(2); KernelPool.Binding bound = pool.bind()) {
            AtomicReference<KernelPool> other = new AtomicReference<>();
            Thread t = new Thread(() -> other.set(KernelPool.current()));
            t.start();
            t.join();
            assertSame(KernelPool.shared(), other.get(), "another thread keeps its own pool");
        }
    }

    @Test
    void bindingClosesOnlyOnItsThread() throws Exception {
        try (KernelPool pool = KernelPool.ofThreads(2)) {
            KernelPool.Binding bound = pool.bind();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread t = new Thread(() -> {
                try {
                    bound.close();
                } catch (Throwable e) {
                    failure.set(e);
                }
            });
            t.start();
            t.join();
            assertTrue(failure.get() instanceof IllegalStateException, String.valueOf(failure.get()));
            bound.close();
            bound.close(); // a second close does nothing
            assertSame(KernelPool.shared(), KernelPool.current());
        }
    }

    @Test
    void closedPoolThrowsOnUse() throws Exception {
        KernelPool pool = KernelPool.ofThreads(2);
        Set<Thread> seen = pool.call(KernelPoolTest::threadsOfMeetingJob);
        try (KernelPool.Binding bound = pool.bind()) {
            pool.close();
            assertTrue(pool.isClosed());
            assertThrows(IllegalStateException.class, () -> Parallel.forEach(4, c -> {}),
                    "a kernel on a thread bound to a closed pool");
        }
        assertThrows(IllegalStateException.class, pool::bind);
        assertThrows(IllegalStateException.class, () -> pool.run(() -> {}));
        assertThrows(IllegalStateException.class, () -> pool.forEach(4, c -> {}));
        pool.close(); // idempotent
        for (Thread t : seen) {
            if (t != Thread.currentThread()) {
                t.join(TimeUnit.SECONDS.toMillis(MEET_SECONDS));
                assertFalse(t.isAlive(), t.getName() + " stopped with its pool");
            }
        }
    }

    @Test
    void sharedPoolIgnoresClose() {
        KernelPool.shared().close();
        assertFalse(KernelPool.shared().isClosed());
        AtomicIntegerArray runs = new AtomicIntegerArray(4);
        Parallel.forEach(4, runs::incrementAndGet);
        assertEquals(4, runs.get(0) + runs.get(1) + runs.get(2) + runs.get(3));
    }

    @Test
    void rejectsBadThreadCount() {
        assertThrows(IllegalArgumentException.class, () -> KernelPool.ofThreads(0));
    }
}
