package dev.inertia.numerics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.inertia.autodiff.Precision;
import dev.inertia.data.Dataset;
import dev.inertia.memory.DType;
import dev.inertia.memory.Scope;
import dev.inertia.nn.BatchNorm1d;
import dev.inertia.nn.Sequential;
import dev.inertia.train.TinyData;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The sweep on tiny data: every run reported, deterministic, configurations validated. */
class Relu0SweepTest {
    private static final int SIDE = 8;

    private static Relu0Sweep.Config config(Precision p, List<Boolean> bn, List<String> optimizers, String lossScale) {
        return new Relu0Sweep.Config(List.of(0.0, 0.5, 1.0), p, bn, optimizers, 1, 8, 1, 8, Double.NaN, 3, 4,
                lossScale);
    }

    private static List<Relu0Sweep.Run> sweep(Relu0Sweep.Config c) throws IOException {
        Dataset train = TinyData.dataset("train", 40, SIDE, 1), test = TinyData.dataset("test", 20, SIDE, 2);
        List<Relu0Sweep.Run> seen = new ArrayList<>();
        List<Relu0Sweep.Run> runs = Relu0Sweep.run(train, test, c, seen::add, null);
        assertEquals(runs, seen, "every run is handed over as it finishes");
        return runs;
    }

    @Test
    void everyConfigurationRunsEveryValueDeterministically() throws IOException {
        Relu0Sweep.Config c = config(Precision.BF16, List.of(false, true), Relu0Sweep.OPTIMIZERS, null);
        List<Relu0Sweep.Run> runs = sweep(c);
        assertEquals(12, c.runs());
        assertEquals(12, runs.size());
        for (int i = 0; i < runs.size(); i++) {
            Relu0Sweep.Run r = runs.get(i);
            assertEquals(c.values().get(i % 3), r.s());
            assertEquals(i / 6 == 0 ? "sgd" : "innaprop", r.optimizer());
            assertEquals((i / 3) % 2 == 1, r.batchNorm());
            assertEquals(4, r.steps(), "--max-steps cuts the epoch");
            assertTrue(r.testAcc() >= 0 && r.testAcc() <= 1, r.toString());
            assertTrue(Double.isFinite(r.trainLoss()), r.toString());
            assertTrue(r.liveKinks() <= r.kinkHits() && r.liveSteps() <= r.steps(), r.toString());
            assertEquals(0, r.skippedSteps());
        }
        List<Relu0Sweep.Run> again = sweep(c);
        for (int i = 0; i < runs.size(); i++) {
            assertEquals(runs.get(i).testAcc(), again.get(i).testAcc(), "run " + i + " is seeded");
            assertEquals(runs.get(i).trainLoss(), again.get(i).trainLoss(), "run " + i + " is seeded");
        }
    }

    @Test
    void withoutLiveKinksTheValueOfSChangesNothing() throws IOException {
        // fp64: no pre-activation of this model lands exactly on 0, so every s trains the same bits
        List<Relu0Sweep.Run> runs = sweep(config(Precision.FP64, List.of(false), List.of("sgd"), null));
        for (Relu0Sweep.Run r : runs) {
            assertEquals(0, r.liveKinks(), r.toString());
            assertEquals(runs.getFirst().trainLoss(), r.trainLoss(), r.toString());
        }
    }

    @Test
    void dynamicLossScalingAtFp16SkipsTheOverflowingFirstStep() throws IOException {
        // PyTorch's initial scale 2^16 is above fp16's largest finite value (65504): the seed
        // rounds to infinity, the step is skipped and the scale halves
        for (Relu0Sweep.Run r : sweep(config(Precision.FP16, List.of(false), List.of("sgd"), "dynamic"))) {
            assertTrue(r.skippedSteps() >= 1, r.toString());
            assertTrue(Double.isFinite(r.trainLoss()), r.toString());
        }
    }

    @Test
    void modelHasBatchNormOnlyWhenAsked() {
        try (Scope scope = Scope.open()) {
            Sequential plain = Relu0Sweep.model(scope, DType.F32, 64, 2, 8, false, 1);
            Sequential bn = Relu0Sweep.model(scope, DType.F32, 64, 2, 8, true, 1);
            assertEquals(5, plain.layers().size());
            assertEquals(7, bn.layers().size());
            assertTrue(bn.layers().get(1) instanceof BatchNorm1d);
            assertEquals(64 * 8 + 8 + 8 * 8 + 8 + 8 * 10 + 10, plain.parameterCount());
            assertEquals(plain.parameterCount() + 4 * 8, bn.parameterCount());
        }
    }

    @Test
    void badConfigurationsAreRefused() {
        List<Boolean> off = List.of(false);
        List<String> sgd = List.of("sgd");
        assertThrows(IllegalArgumentException.class, () -> new Relu0Sweep.Config(List.of(0.0, 0.0), Precision.FP32,
                off, sgd, 1, 8, 1, 8, Double.NaN, 1, 0, null));
        assertThrows(IllegalArgumentException.class, () -> new Relu0Sweep.Config(List.of(Double.NaN), Precision.FP32,
                off, sgd, 1, 8, 1, 8, Double.NaN, 1, 0, null));
        assertThrows(IllegalArgumentException.class, () -> new Relu0Sweep.Config(List.of(), Precision.FP32, off, sgd,
                1, 8, 1, 8, Double.NaN, 1, 0, null));
        assertThrows(IllegalArgumentException.class, () -> new Relu0Sweep.Config(List.of(0.0), Precision.FP32, off,
                List.of("lbfgs"), 1, 8, 1, 8, Double.NaN, 1, 0, null));
        assertThrows(IllegalArgumentException.class, () -> new Relu0Sweep.Config(List.of(0.0), Precision.FP32, off,
                sgd, 0, 8, 1, 8, Double.NaN, 1, 0, null));
        assertThrows(IllegalArgumentException.class, () -> new Relu0Sweep.Config(List.of(0.0), Precision.FP32, off,
                sgd, 1, 8, 1, 8, -1, 1, 0, null));
        assertThrows(IllegalArgumentException.class, () -> new Relu0Sweep.Config(List.of(0.0), Precision.FP32, off,
                sgd, 1, 8, 1, 8, Double.NaN, 1, 0, "static:0"));
    }
}
