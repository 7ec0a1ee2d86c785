package dev.inertia.numerics;

import dev.inertia.autodiff.Precision;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.inertia.memory.DType;
import dev.inertia.memory.Scope;
import dev.inertia.memory.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

class PrecisionTest {
    @Test
    void roundsTensorsInPlace() {
        try (Scope scope = Scope.open()) {
            Tensor t = Tensor.of(scope, new float[] {1.0001f, 70000f, 1e-8f, -2.5f});
            Precision.FP16.round(t);
            assertArrayEquals(new float[] {1.0f, Float.POSITIVE_INFINITY, 0f, -2.5f}, t.toFloatArray());
            Tensor b = Tensor.of(scope, new float[] {1.0f + 0x1p-8f, 1.0f + 0x1p-7f + 0x1p-8f});
            Precision.BF16.round(b);
            assertArrayEquals(new float[] {1.0f, 1.0f + 0x1p-6f}, b.toFloatArray(), "ties to even");
            Tensor d = Tensor.of(scope, new double[] {0.1, 1 + 1e-12});
            Precision.FP32.round(d);
            assertArrayEquals(new double[] {(float) 0.1, 1.0}, d.toDoubleArray());
            Precision.FP64.round(d);
            assertThrows(IllegalArgumentException.class, () -> Precision.FP16.round(Tensor.zeros(scope, DType.F64, 2)));
        }
    }

    @Test
    void parsesNames() {
        assertEquals(Precision.FP16, Precision.parse("fp16"));
        assertEquals(Precision.BF16, Precision.parse("BF16"));
        assertEquals(Precision.FP64, Precision.parse("double"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Precision.parse("fp8"));
        assertTrue(e.getMessage().contains("fp8"));
        assertEquals(Math.scalb(1.0, -11), Precision.FP16.unitRoundoff());
    }

    @Test
    void dynamicLossScalingBacksOffAndGrows() {
        LossScaler s = LossScaler.dynamic(1024, 2, 0.5, 3);
        try (Scope scope = Scope.open()) {
            Tensor g = Tensor.of(scope, new float[] {2048f, -1024f});
            assertTrue(s.unscale(List.of(g)));
            assertArrayEquals(new float[] {2f, -1f}, g.toFloatArray());
            Tensor bad = Tensor.of(scope, new float[] {1f, Float.POSITIVE_INFINITY});
            assertFalse(s.unscale(List.of(g, bad)));
        }
        assertFalse(s.update(false));
        assertEquals(512, s.scale());
        assertEquals(1, s.skippedSteps());
        assertTrue(s.update(true));
        assertTrue(s.update(true));
        assertEquals(512, s.scale());
        assertTrue(s.update(true));
        assertEquals(1024, s.scale(), "grows after three clean steps");
        LossScaler fixed = LossScaler.fixed(128);
        assertFalse(fixed.update(false));
        assertEquals(128, fixed.scale());
        assertThrows(IllegalArgumentException.class, () -> LossScaler.fixed(0));
    }
}
