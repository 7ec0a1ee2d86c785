package dev.inertia.memory;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.inertia.kernels.Kernels;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

class TensorTest {
    @Test
    void contractExample() {
        try (Scope scope = Scope.open()) {
            Tensor theta = Tensor.of(scope, new double[] {1, -2, 0.5}, 3);
            Tensor w = Tensor.zeros(scope, DType.F32, 784, 1024);
            assertEquals(DType.F64, theta.dtype());
            assertArrayEquals(new int[] {3}, theta.shape());
            assertArrayEquals(new double[] {1, -2, 0.5}, theta.toDoubleArray());
            assertArrayEquals(new int[] {784, 1024}, w.shape());
            assertEquals(784L * 1024 * 4, w.segment().byteSize());
            assertEquals(0, w.segment().address() % 64, "64-byte aligned");
            Tensor f = Tensor.of(scope, new float[] {1.5f, 2.5f}, 2, 1);
            assertArrayEquals(new float[] {1.5f, 2.5f}, f.toFloatArray());
            assertArrayEquals(new double[] {1.5, 2.5}, f.toDoubleArray());
        }
    }

    @Test
    void useAfterCloseThrowsInsteadOfCrashing() {
        Tensor t;
        try (Scope scope = Scope.open()) {
            t = Tensor.zeros(scope, DType.F32, 1000);
        }
        Tensor freed = t;
        assertFalse(freed.isAlive());
        assertThrows(IllegalStateException.class, freed::toFloatArray);
        assertThrows(IllegalStateException.class, freed::segment);
        assertThrows(IllegalStateException.class, () -> freed.getDouble(0));
        // a kernel handed a segment captured before the close also throws, never crashes
        Tensor[] kept = new Tensor[1];
        MemorySegment seg;
        try (Scope scope = Scope.open()) {
            kept[0] = Tensor.zeros(scope, DType.F32, 1000);
            seg = kept[0].segment();
        }
        MemorySegment closed = seg;
        assertThrows(IllegalStateException.class, () -> Kernels.activations().reluF32(closed, 0, closed, 0, 1000));
    }

    @Test
    void rejectsBadShapesAndData() {
        try (Scope scope = Scope.open()) {
            assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(scope, DType.F32, 3, -1));
            assertThrows(IllegalArgumentException.class,
                    () -> Tensor.zeros(scope, DType.F64, Integer.MAX_VALUE, Integer.MAX_VALUE, 4));
            assertThrows(IllegalArgumentException.class, () -> Tensor.of(scope, new double[] {1, 2, 3}, 2, 2));
            Tensor t = Tensor.zeros(scope, DType.F32, 2, 3);
            assertThrows(IllegalArgumentException.class, () -> t.reshape(4, 2));
            assertArrayEquals(new int[] {3, 2}, t.reshape(3, 2).shape());
            Tensor d = Tensor.zeros(scope, DType.F64, 2, 3);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> t.copyFrom(d));
            assertTrue(e.getMessage().contains("F64[2, 3]"), e.getMessage());
            assertThrows(IndexOutOfBoundsException.class, () -> t.getDouble(6));
        }
    }

    @Test
    void viewsOverCallerMemory() {
        float[] data = {1, 2, 3, 4, 5, 6};
        Tensor view = Tensor.wrap(data, 2, 3);
        view.setDouble(4, 50);
        assertEquals(50f, data[4], "a view writes through to the array");
        assertThrows(IllegalArgumentException.class, () -> Tensor.wrap(data, 4, 2));
        try (Scope scope = Scope.open()) {
            MemorySegment mine = scope.allocate(64);
            assertThrows(IllegalArgumentException.class, () -> Tensor.wrap(mine, DType.F64, 9));
            Tensor w = Tensor.wrap(mine, DType.F64, 8);
            assertEquals(8, w.size());
        }
    }

    @Test
    void emulatedStorageRoundsToNearestEven() {
        try (Scope scope = Scope.open()) {
            Tensor h = Tensor.zeros(scope, DType.F16, 3);
            h.setDouble(0, 1.0 + Math.scalb(1.0, -11)); // halfway between 1 and the next half: to even
            h.setDouble(1, 70000); // beyond half's range
            h.setDouble(2, 0.1);
            assertEquals(1.0, h.getDouble(0));
            assertEquals(Double.POSITIVE_INFINITY, h.getDouble(1));
            assertEquals(Float.float16ToFloat(Float.floatToFloat16(0.1f)), h.getDouble(2));
            Tensor b = Tensor.zeros(scope, DType.BF16, 2);
            b.setDouble(0, 1.0 + Math.scalb(1.0, -8)); // halfway: to even (1.0)
            b.setDouble(1, 1.0 + 3 * Math.scalb(1.0, -8)); // halfway: to even (1 + 2^-6)
            assertEquals(1.0, b.getDouble(0));
            assertEquals(1.0 + Math.scalb(1.0, -6), b.getDouble(1));
        }
    }

    @Test
    void scopeClosesTwiceQuietly() {
        Scope scope = Scope.open();
        scope.close();
        scope.close();
        assertThrows(IllegalStateException.class, () -> scope.allocate(8));
    }
}
