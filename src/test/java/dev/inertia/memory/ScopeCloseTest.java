package dev.inertia.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** A second close of a {@link Scope}, also from another thread at the same moment, is a no-op. */
class ScopeCloseTest {
    @Test
    void twoThreadsClosingOneScopeAtOnceNeverThrow() throws Exception {
        int rounds = 500;
        AtomicReference<Throwable> failure = new AtomicReference<>();
        for (int round = 0; round < rounds && failure.get() == null; round++) {
            Scope scope = Scope.open();
            Tensor t = Tensor.zeros(scope, DType.F32, 1024);
            CyclicBarrier start = new CyclicBarrier(2);
            List<Thread> closers = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                Thread c = new Thread(() -> {
                    try {
                        start.await();
                        scope.close();
                    } catch (Throwable e) {
                        failure.compareAndSet(null, e);
                    }
                });
                closers.add(c);
                c.start();
            }
            for (Thread c : closers) {
                c.join();
            }
            assertFalse(scope.isOpen(), "round " + round);
            assertThrows(IllegalStateException.class, () -> t.getDouble(0), "freed after the race");
        }
        assertEquals(null, failure.get(), () -> "a concurrent close threw: " + failure.get());
    }

    @Test
    void closingAgainOnTheSameThreadIsANoOp() {
        Scope scope = Scope.open();
        scope.close();
        scope.close();
        assertFalse(scope.isOpen());
    }
}
