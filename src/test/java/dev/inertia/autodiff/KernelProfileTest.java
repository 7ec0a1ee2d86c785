package dev.inertia.autodiff;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.inertia.memory.DType;
import dev.inertia.memory.Scope;
import dev.inertia.memory.Tensor;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class KernelProfileTest {
    private static final long SEED = 20;

    /** The gradients of a linear-ReLU layer and a mean-square loss, profiled into {@code profile} or not. */
    private static float[][] step(KernelProfile profile) {
        try (Scope scope = Scope.open(); Tape tape = new Tape()) {
            SplittableRandom r = new SplittableRandom(SEED);
            Tensor x = Tensor.zeros(scope, DType.F32, 3, 4), w = Tensor.zeros(scope, DType.F32, 5, 4),
                    b = Tensor.zeros(scope, DType.F32, 5);
            for (Tensor t : List.of(x, w, b)) {
                for (long i = 0; i < t.size(); i++) {
                    t.setDouble(i, r.nextDouble(-1, 1));
                }
            }
            Var wv = tape.param(w), bv = tape.param(b), xv = tape.param(x);
            if (profile != null) {
                profile.section("forward");
            }
            Var loss = xv.linearRelu(wv, bv).mul(xv.linearRelu(wv, bv)).sum();
            if (profile != null) {
                profile.section("backward");
            }
            tape.backward(loss);
            return new float[][] {wv.grad().toFloatArray(), bv.grad().toFloatArray(), xv.grad().toFloatArray()};
        }
    }

    private static KernelProfile.Entry entry(KernelProfile p, String section, String kernel, String shape) {
        return p.entries().stream()
                .filter(e -> e.section().equals(section) && e.kernel().equals(kernel) && e.shape().equals(shape))
                .findFirst().orElseThrow(() -> new AssertionError(section + " " + kernel + " " + shape + " in "
                        + p.entries() + " (seed " + SEED + ")"));
    }

    @Test
    void countsEachKernelCallBySectionAndShapeAndChangesNoBits() {
        float[][] plain = step(null);
        KernelProfile profile = new KernelProfile();
        float[][] profiled;
        try (KernelProfile.Binding on = profile.bind()) {
            profiled = step(profile);
        }
        for (int i = 0; i < plain.length; i++) {
            assertArrayEquals(plain[i], profiled[i], "gradient " + i + ", seed " + SEED);
        }
        KernelProfile.Entry gemm = entry(profile, "forward", "gemm NT+epilogue", "3x5x4");
        assertEquals(2, gemm.calls());
        assertEquals(2 * 2L * 3 * 5 * 4, gemm.flops());
        assertTrue(gemm.nanos() > 0);
        assertEquals(2, entry(profile, "forward", "relu", "15").calls());
        assertEquals(2 * 2 * 15 * Float.BYTES, entry(profile, "forward", "relu", "15").bytes());
        assertEquals(2, entry(profile, "backward", "reluBackward", "15").calls());
        assertEquals(2, entry(profile, "backward", "sumBias", "3x5x1").calls());
        assertEquals(2, entry(profile, "backward", "gemm TN", "5x4x3").calls()); // dW = dzᵀ · x
        assertEquals(2, entry(profile, "backward", "gemm NN", "3x4x5").calls()); // dx = dz · W
        profile.add("optimizer pass", "9 params", 7, 0, 72);
        KernelProfile.Entry added = entry(profile, "backward", "optimizer pass", "9 params");
        assertEquals(7, added.nanos());
        assertEquals(72, added.bytes());
        profile.clear();
        assertTrue(profile.entries().isEmpty());
    }

    @Test
    void unboundNothingIsCountedAndBindingsNest() {
        KernelProfile outer = new KernelProfile(), inner = new KernelProfile();
        step(null);
        assertNull(KernelProfile.active());
        try (KernelProfile.Binding a = outer.bind()) {
            try (KernelProfile.Binding b = inner.bind()) {
                assertSame(inner, KernelProfile.active());
                step(null);
            }
            assertSame(outer, KernelProfile.active());
        }
        assertNull(KernelProfile.active());
        assertTrue(outer.entries().isEmpty());
        assertTrue(!inner.entries().isEmpty());
    }

    @Test
    void aKernelInsideAnotherCountsOnce() {
        KernelProfile p = new KernelProfile();
        long outer = p.begin();
        long nested = p.begin();
        assertEquals(-1, nested);
        p.end(nested, "inner", 1, -1, -1, 1, 0);
        p.end(outer, "outer", 2, -1, -1, 1, 0);
        assertEquals(1, p.entries().size());
        assertEquals("outer", p.entries().getFirst().kernel());
        assertEquals("2", p.entries().getFirst().shape());
    }
}
