package dev.inertia.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.inertia.autodiff.Var;
import dev.inertia.kernels.KernelPool;
import dev.inertia.memory.DType;
import dev.inertia.memory.Scope;
import dev.inertia.nn.Linear;
import dev.inertia.nn.Module;
import dev.inertia.nn.ReLU;
import dev.inertia.nn.Sequential;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** A predictor's calls run their kernels on its pool, from any number of calling threads. */
class PredictorThreadsTest {
    private static final int FEATURES = 64;

    /** Wide enough that a batch of 256 splits its GEMMs over threads. */
    private static Sequential model(Scope scope) {
        SplittableRandom r = new SplittableRandom(31);
        return new Sequential(new Linear(scope, DType.F32, FEATURES, 512, r), new ReLU(),
                new Linear(scope, DType.F32, 512, 10, r));
    }

    private static float[] rows(int n) {
        SplittableRandom r = new SplittableRandom(32);
        float[] x = new float[n * FEATURES];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextGaussian();
        }
        return x;
    }

    /** Records the pool its forward pass runs on. */
    private static final class PoolProbe extends Module {
        final Set<KernelPool> seen = ConcurrentHashMap.newKeySet();
        private final Linear linear;

        PoolProbe(Scope scope) {
            linear = registerChild("linear", new Linear(scope, DType.F32, 4, 2, new SplittableRandom(1)));
        }

        @Override
        public Var forward(Var x) {
            seen.add(KernelPool.current());
            return linear.forward(x);
        }
    }

    @Test
    void callsBindThePredictorsPoolAndRestoreTheCallers() {
        try (Scope scope = Scope.open(); KernelPool given = KernelPool.ofThreads(2)) {
            PoolProbe probe = new PoolProbe(scope);
            try (Predictor p = Predictor.builder(probe).exampleShape(4).pool(given).build()) {
                p.predict(new float[4]);
                assertEquals(Set.of(given), probe.seen, "the probe's forward pass and every call");
                assertSame(KernelPool.shared(), KernelPool.current());
            }
            assertTrue(!given.isClosed(), "a predictor leaves a given pool open");
            probe.seen.clear();
            try (Predictor p = Predictor.builder(probe).exampleShape(4).build()) {
                given.run(() -> p.predict(new float[4]));
                assertEquals(Set.of(KernelPool.shared(), given), probe.seen,
                        "without a pool of its own, the caller's: shared when built, then the bound one");
            }
        }
    }

    /** Eight callers share the predictor's 2 threads: jobs that find the pool busy run on their callers alone. */
    @Test
    void concurrentCallersOfATwoThreadPredictorMatchOneThread() throws Exception {
        int n = 256;
        float[] x = rows(n);
        try (Scope scope = Scope.open()) {
            Sequential model = model(scope);
            float[] alone = new float[n * 10];
            try (Predictor one = Predictor.builder(model).exampleShape(FEATURES).threads(1).build()) {
                one.predict(x, n, alone);
            }
            try (Predictor p = Predictor.builder(model).exampleShape(FEATURES).threads(2).build()) {
                ExecutorService callers = Executors.newFixedThreadPool(4);
                try {
                    List<Future<float[]>> results = new ArrayList<>();
                    for (int t = 0; t < 8; t++) {
                        results.add(callers.submit(() -> {
                            float[] out = new float[n * 10];
                            for (int k = 0; k < 10; k++) {
                                p.predict(x, n, out);
                            }
                            return out;
                        }));
                    }
                    for (Future<float[]> f : results) {
                        assertArrayEquals(alone, f.get());
                    }
                } finally {
                    callers.shutdown();
                }
            }
        }
    }

    @Test
    void aClosedPoolIsRefused() {
        try (Scope scope = Scope.open()) {
            KernelPool closed = KernelPool.ofThreads(2);
            closed.close();
            assertThrows(IllegalStateException.class,
                    () -> Predictor.builder(model(scope)).exampleShape(FEATURES).pool(closed).build());
            assertSame(KernelPool.shared(), KernelPool.current());
        }
    }
}
