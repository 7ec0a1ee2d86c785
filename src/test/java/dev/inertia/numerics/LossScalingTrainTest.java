package dev.inertia.numerics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.inertia.autodiff.Precision;
import dev.inertia.data.Dataset;
import dev.inertia.memory.DType;
import dev.inertia.memory.Scope;
import dev.inertia.memory.Tensor;
import dev.inertia.train.LossScaling;
import dev.inertia.train.TinyData;
import dev.inertia.train.TrainConfig;
import dev.inertia.train.Trainer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link LossScaler} wired into the {@link Trainer}: exact when nothing overflows, skipping when something does. */
class LossScalingTrainTest {
    private static final int SIDE = 8;

    /** The parameters' float bits after a short SGD run at {@code p} with {@code scaling}. */
    private static List<float[]> train(Precision p, LossScaling scaling) throws IOException {
        Dataset trainSet = TinyData.dataset("train", 40, SIDE, 1), testSet = TinyData.dataset("test", 10, SIDE, 2);
        TrainConfig cfg = new TrainConfig("tiny", false, 1, 8, "sgd", 0.05, 0, 7, 5, p.storage(), p.toString(), null,
                null, null, p, scaling);
        try (Scope scope = Scope.open();
                Trainer t = new Trainer(cfg, Relu0Sweep.model(scope, p.storage(), SIDE * SIDE, 2, 16, false, 4), trainSet,
                        testSet, "tiny")) {
            t.run();
            List<float[]> values = new ArrayList<>();
            for (Tensor v : t.model().stateDict().values()) {
                values.add(v.toFloatArray());
            }
            return values;
        }
    }

    @Test
    void aPowerOfTwoScaleIsExactAtFp32() throws IOException {
        List<float[]> plain = train(Precision.FP32, null);
        LossScaler scaler = LossScaler.fixed(1024);
        List<float[]> scaled = train(Precision.FP32, scaler);
        for (int i = 0; i < plain.size(); i++) {
            assertArrayEquals(plain.get(i), scaled.get(i), "tensor " + i + ": scaling by 2^10 and back is exact");
        }
        assertEquals(0, scaler.skippedSteps());
    }

    @Test
    void anOverflowingScaleSkipsStepsAndBacksOff() throws IOException {
        LossScaler never = LossScaler.fixed(1e30); // fixed: every step overflows
        List<float[]> after = train(Precision.FP16, never);
        assertEquals(5, never.skippedSteps(), "every step skipped");
        LossScaler dynamic = LossScaler.dynamic(131072, 2, 0.5, 1000); // 2^17 and 2^16 overflow fp16
        train(Precision.FP16, dynamic);
        assertTrue(dynamic.skippedSteps() >= 1 && dynamic.skippedSteps() < 5, "skipped " + dynamic.skippedSteps());
        assertTrue(dynamic.scale() <= 32768, "backed off to " + dynamic.scale());
        for (float[] t : after) {
            for (float v : t) {
                assertTrue(Float.isFinite(v), "a skipped step leaves the parameters finite");
            }
        }
    }

    @Test
    void parsesSpecs() {
        assertEquals(512, LossScaler.parse("static:512").scale());
        assertEquals(65536, LossScaler.parse(" Dynamic ").scale());
        for (String bad : new String[] {"static:", "static:-2", "static:inf", "dynamic:3", "8", ""}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LossScaler.parse(bad), bad);
            assertTrue(e.getMessage().contains("static:N") || e.getMessage().contains("positive"), e.getMessage());
        }
    }

    @Test
    void emulationNeedsItsStorageDtype() {
        assertThrows(IllegalArgumentException.class, () -> new TrainConfig("tiny", false, 1, 8, "sgd", 0.05, 0, 7, 5,
                DType.F64, "fp16", null, null, null, Precision.FP16, null));
        assertThrows(IllegalArgumentException.class, () -> new TrainConfig("tiny", false, 1, 8, "sgd", 0.05, 0, 7, 5,
                DType.F32, "fp16", Precision.FP16::round, null, null, Precision.FP16, null));
    }
}
