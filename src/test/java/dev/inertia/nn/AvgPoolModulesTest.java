package dev.inertia.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.inertia.autodiff.Tape;
import dev.inertia.autodiff.Var;
import dev.inertia.memory.Scope;
import dev.inertia.memory.Tensor;
import org.junit.jupiter.api.Test;

/** AvgPool2d and GlobalAvgPool2d layers: shapes, values by hand, descriptions, no state. */
class AvgPoolModulesTest {
    private static double[] ramp(int n) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = i;
        }
        return v;
    }

    @Test
    void avgPool2d() {
        try (Scope scope = Scope.open(); Tape tape = new Tape()) {
            Var x = tape.constant(Tensor.of(scope, ramp(2 * 4 * 4), 1, 2, 4, 4));
            Var y = new AvgPool2d(2).forward(x);
            assertArrayEquals(new int[] {1, 2, 2, 2}, y.shape());
            // plane 0 rows 0..3 = 0..15: the top-left window holds 0, 1, 4, 5
            assertEquals(2.5, y.value().getDouble(0), 1e-15);
            assertEquals((26 + 27 + 30 + 31) / 4.0, y.value().getDouble(7), 1e-15, "plane 1's bottom-right window");
            Var padded = new AvgPool2d(3, 2, 1).forward(x);
            assertArrayEquals(new int[] {1, 2, 2, 2}, padded.shape());
            assertEquals((0 + 1 + 4 + 5) / 9.0, padded.value().getDouble(0), 1e-15, "padding counts in the divisor");
            assertTrue(new AvgPool2d(2).stateDict().isEmpty());
            assertEquals("AvgPool2d(kernel_size=3, stride=2, padding=1)", new AvgPool2d(3, 2, 1).toString());
            assertThrows(IllegalArgumentException.class, () -> new AvgPool2d(2, 2, 2));
            assertThrows(IllegalArgumentException.class, () -> new AvgPool2d(0));
        }
    }

    @Test
    void globalAvgPool2dFeedsALinearHead() {
        try (Scope scope = Scope.open(); Tape tape = new Tape()) {
            Var x = tape.constant(Tensor.of(scope, ramp(2 * 3 * 2 * 2), 2, 3, 2, 2));
            Var y = new GlobalAvgPool2d().forward(x);
            assertArrayEquals(new int[] {2, 3}, y.shape());
            assertArrayEquals(new double[] {1.5, 5.5, 9.5, 13.5, 17.5, 21.5}, y.value().toDoubleArray(), 1e-15);
            assertTrue(new GlobalAvgPool2d().stateDict().isEmpty());
            assertEquals("GlobalAvgPool2d()", new GlobalAvgPool2d().toString());
        }
    }
}
