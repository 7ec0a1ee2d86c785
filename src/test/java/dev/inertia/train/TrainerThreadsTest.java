package dev.inertia.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.inertia.data.Dataset;
import dev.inertia.kernels.KernelPool;
import dev.inertia.memory.Scope;
import dev.inertia.optim.AdamW;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * Trainers with kernel threads of their own: two in one JVM at once each train as they would
 * alone, and the bits do not depend on how many threads a trainer has (convolution's fixed
 * weight-gradient partials, GEMMs that never split their inner dimension, elementwise steps).
 */
class TrainerThreadsTest {
    private static final int SIDE = 16;

    /** The bits of every parameter after two epochs, then the validation loss's. */
    private static List<long[]> train(long seed, UnaryOperator<Trainer.Builder> threads) throws Exception {
        Dataset train = TinyData.dataset("train", 256, SIDE, seed), test = TinyData.dataset("test", 64, SIDE, seed + 1);
        try (Scope scope = Scope.open();
                Trainer t = threads.apply(Trainer.builder(TinyData.cnn(scope, SIDE, seed))
                        .optimizer(AdamW.builder().lr(1e-3).build())
                        .epochs(2).batchSize(32).seed(seed)).build()) {
            t.fit(train, test);
            return TrainedBits.of(t, test);
        }
    }

    /** The acceptance test: two trainers of one thread each, side by side, end as each does alone. */
    @Test
    void twoSingleThreadTrainersAtOnceMatchEachAlone() throws Exception {
        List<long[]> aloneA = train(1, b -> b.threads(1)), aloneB = train(2, b -> b.threads(1));
        ExecutorService callers = Executors.newFixedThreadPool(2);
        try {
            CyclicBarrier together = new CyclicBarrier(2);
            Future<List<long[]>> a = callers.submit(() -> {
                together.await(60, TimeUnit.SECONDS);
                return train(1, b -> b.threads(1));
            });
            Future<List<long[]>> b = callers.submit(() -> {
                together.await(60, TimeUnit.SECONDS);
                return train(2, bl -> bl.threads(1));
            });
            TrainedBits.assertSame(aloneA, a.get(), "trainer A beside trainer B");
            TrainedBits.assertSame(aloneB, b.get(), "trainer B beside trainer A");
        } finally {
            callers.shutdownNow();
        }
    }

    @Test
    void sameBitsOnOneTwoAndThreeThreads() throws Exception {
        List<long[]> one = train(3, b -> b.threads(1));
        TrainedBits.assertSame(one, train(3, b -> b.threads(2)), "two threads");
        TrainedBits.assertSame(one, train(3, b -> b.threads(3)), "three threads");
        TrainedBits.assertSame(one, train(3, b -> b), "the caller's pool");
    }

    /** Trainers sharing a pool take its workers in turn; the caller keeps and closes the pool. */
    @Test
    void trainersSharingACallersPoolMatchAlone() throws Exception {
        List<long[]> alone = train(4, b -> b.threads(1));
        try (KernelPool pool = KernelPool.ofThreads(2)) {
            ExecutorService callers = Executors.newFixedThreadPool(2);
            try {
                Future<List<long[]>> a = callers.submit(() -> train(4, b -> b.pool(pool)));
                Future<List<long[]>> b = callers.submit(() -> train(4, bl -> bl.pool(pool)));
                TrainedBits.assertSame(alone, a.get(), "first trainer on the shared pool");
                TrainedBits.assertSame(alone, b.get(), "second trainer on the shared pool");
            } finally {
                callers.shutdownNow();
            }
            assertEquals(false, pool.isClosed(), "a trainer leaves a given pool open");
        }
    }

    @Test
    void callersBindingIsRestoredAndClosedPoolsAreRefused() throws Exception {
        train(5, b -> b.threads(2));
        assertSame(KernelPool.shared(), KernelPool.current(), "fit restores the caller's pool");
        KernelPool closed = KernelPool.ofThreads(2);
        closed.close();
        assertThrows(IllegalStateException.class, () -> train(5, b -> b.pool(closed)));
        assertSame(KernelPool.shared(), KernelPool.current());
        try (Scope scope = Scope.open()) {
            assertThrows(IllegalArgumentException.class, () -> Trainer.builder(TinyData.cnn(scope, SIDE, 1)).threads(0));
        }
    }
}
