package dev.inertia.kernels;

import dev.inertia.kernels.scalar.ScalarKernels;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The path chosen at start-up is the one this JVM was asked for. */
class SimdSelectionTest {
    @Test
    void choiceFollowsModuleAndProperty() {
        String forced = System.getProperty(Simd.PROPERTY, "auto");
        if (!Simd.vectorModuleReadable() || forced.equals("scalar")) {
            assertFalse(Simd.enabled());
            assertEquals("scalar", Simd.species());
            assertTrue(Kernels.activations() == ScalarKernels.activations());
            return;
        }
        assertTrue(Simd.enabled(), "the vector module is readable, so SIMD must be on");
        assertEquals("dev.inertia.kernels.simd", Kernels.activations().getClass().getPackageName());
        assertEquals("dev.inertia.kernels.simd", Kernels.elementwise().getClass().getPackageName());
        assertEquals("dev.inertia.kernels.simd", Kernels.reductions().getClass().getPackageName());
        if (!forced.equals("auto")) {
            assertEquals(Integer.parseInt(forced), Simd.bits());
            assertTrue(Simd.species().contains("S_" + forced + "_BIT"), Simd.species());
        }
    }
}
