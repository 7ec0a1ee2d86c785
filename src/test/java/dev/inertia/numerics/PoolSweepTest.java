package dev.inertia.numerics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.inertia.autodiff.Precision;
import dev.inertia.data.Dataset;
import dev.inertia.data.IdxArray;
import dev.inertia.kernels.KernelPool;
import dev.inertia.memory.DType;
import dev.inertia.memory.Scope;
import dev.inertia.memory.Tensor;
import dev.inertia.nn.BatchNorm2d;
import dev.inertia.nn.Models;
import dev.inertia.nn.Sequential;
import dev.inertia.train.TinyData;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The max-pool tie sweep on a tiny data set: the policy reaches training, divergence is a result.
 * The runs bind a one-thread kernel pool, as the command tests pass {@code --threads 1}: a loaded
 * machine then costs them no waits on descheduled workers.
 */
class PoolSweepTest {
    private static PoolSweep.Config config(List<Double> betas, double lr, long maxSteps) {
        return new PoolSweep.Config(betas, Precision.FP32, false, "sgd", 1, 3, 1, 4, lr, maxSteps, null);
    }

    @Test
    void withoutBatchNormTheModelIsTheDesignCnn() {
        try (Scope scope = Scope.open()) {
            Map<String, Tensor> mine = PoolSweep.model(scope, DType.F32, false, 7).stateDict();
            Map<String, Tensor> design = Models.cnn(scope, DType.F32, 7).stateDict();
            assertEquals(design.keySet(), mine.keySet());
            for (String k : design.keySet()) {
                assertArrayEquals(design.get(k).toFloatArray(), mine.get(k).toFloatArray(), k);
            }
            Sequential bn = PoolSweep.model(scope, DType.F32, true, 7);
            long norms = bn.layers().stream().filter(m -> m instanceof BatchNorm2d).count();
            assertEquals(2, norms, "a BatchNorm2d after each convolution");
            assertArrayEquals(design.get("0.weight").toFloatArray(), bn.stateDict().get("0.weight").toFloatArray(),
                    "batch norm draws nothing: the same first convolution");
        }
    }

    /**
     * {@code count} 28x28 images, black but for a seeded 8x8 patch at a class-dependent place: as
     * in Fashion-MNIST, the black background makes the first convolution output its bias, and
     * where that is positive the ReLU passes it and every pooling window there is a live tie at a
     * positive value (ties among ReLU's zeros are not: ReLU'(0) = 0 stops their gradient).
     */
    private static Dataset blackBackground(String name, int count, long seed) throws Exception {
        SplittableRandom r = new SplittableRandom(seed);
        byte[] images = new byte[count * 28 * 28], labels = new byte[count];
        for (int i = 0; i < count; i++) {
            labels[i] = (byte) (i % 10);
            int y0 = 2 + 2 * (i % 10), x0 = 4 + (i % 7);
            for (int y = y0; y < y0 + 8; y++) {
                for (int x = x0; x < x0 + 8; x++) {
                    images[i * 784 + y * 28 + x] = (byte) (64 + r.nextInt(192));
                }
            }
        }
        return Dataset.of(name, new IdxArray(name + " images", new int[] {count, 28, 28}, images),
                new IdxArray(name + " labels", new int[] {count}, labels), 10);
    }

    @Test
    void theTiePolicyReachesTrainingAndTiesAreCounted() throws Exception {
        Dataset train = blackBackground("train", 8, 1), test = blackBackground("test", 8, 2);
        List<PoolSweep.Run> seen = new ArrayList<>();
        List<PoolSweep.Run> runs;
        try (KernelPool one = KernelPool.ofThreads(1); KernelPool.Binding bound = one.bind()) {
            runs = PoolSweep.run(train, test, config(List.of(0.0, 10000.0), 0.01, 2), seen::add, null);
        }
        assertEquals(runs, seen);
        PoolSweep.Run first = runs.get(0), large = runs.get(1);
        assertEquals(2, first.steps());
        assertFalse(first.diverged() || large.diverged());
        assertTrue(first.poolTies() > 0 && first.livePoolTies() > 0 && first.liveSteps() > 0, first.toString());
        // the same first batch and weights for both: the first step's loss is the same, its update is not
        assertNotEquals(first.trainLoss(), large.trainLoss(), "beta = 10000 trains differently from beta = 0");
        List<PoolSweep.BetaSummary> s = PoolSweep.summarize(runs, config(List.of(0.0, 10000.0), 0.01, 2));
        assertEquals(2, s.size());
        assertEquals(first.testAcc(), s.get(0).testAcc().mean());
        assertEquals(0, s.get(1).diverged());
    }

    @Test
    void aDivergingRunIsReportedNotThrown() throws Exception {
        Dataset train = TinyData.dataset("train", 8, 28, 1), test = TinyData.dataset("test", 8, 28, 2);
        List<PoolSweep.Run> runs;
        try (KernelPool one = KernelPool.ofThreads(1); KernelPool.Binding bound = one.bind()) {
            runs = PoolSweep.run(train, test, config(List.of(1000.0), 1e30, 2), r -> {}, null);
        }
        PoolSweep.Run r = runs.getFirst();
        assertTrue(r.diverged(), r.toString());
        assertTrue(Double.isNaN(r.testAcc()) && Double.isNaN(r.trainLoss()), r.toString());
        PoolSweep.BetaSummary b = PoolSweep.summarize(runs, config(List.of(1000.0), 1e30, 2)).getFirst();
        assertEquals(1, b.diverged());
        assertTrue(Double.isNaN(b.testAcc().mean()), "a diverged run makes the mean NaN, it does not vanish");
    }

    @Test
    void configurationsAreValidated() {
        assertThrows(IllegalArgumentException.class, () -> config(List.of(0.0, Double.NaN), Double.NaN, 0));
        assertThrows(IllegalArgumentException.class, () -> config(List.of(1.0, 1.0), Double.NaN, 0));
        assertThrows(IllegalArgumentException.class, () -> config(List.of(), Double.NaN, 0));
        assertThrows(IllegalArgumentException.class, () -> new PoolSweep.Config(List.of(0.0), Precision.FP16, false,
                "lbfgs", 1, 1, 1, 8, Double.NaN, 0, null));
        assertThrows(IllegalArgumentException.class, () -> new PoolSweep.Config(List.of(0.0), Precision.FP16, false,
                "sgd", 0, 1, 1, 8, Double.NaN, 0, null));
        assertEquals(12, new PoolSweep.Config(PoolSweep.DEFAULT_BETAS, Precision.FP16, true, "SGD", 2, 1, 1, 8,
                Double.NaN, 0, "dynamic").runs());
    }
}
