package dev.inertia.kernels;

import dev.inertia.kernels.scalar.ScalarKernels;
import static dev.inertia.kernels.KernelFixtures.PAD;
import static dev.inertia.kernels.KernelFixtures.assertSameF32;
import static dev.inertia.kernels.KernelFixtures.assertSameF64;
import static dev.inertia.kernels.KernelFixtures.copyOf;
import static dev.inertia.kernels.KernelFixtures.randomF32;
import static dev.inertia.kernels.KernelFixtures.randomF64;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The selected fused optimizer steps against their scalar twin, bit for bit, on every buffer
 * they touch (theta, state, gradient), sentinels included; every variant (weight decay on and
 * off, momentum, Nesterov; zero-grad fused on odd sizes). Offsets differ per buffer.
 */
class OptimizerKernelsTest {
    private final OptimizerKernels simd = Kernels.optimizers();
    private final OptimizerKernels scalar = ScalarKernels.optimizers();

    static IntStream sizes() {
        return KernelFixtures.sizes();
    }

    /** One kernel call on four buffers: theta, two state buffers, g. */
    @FunctionalInterface
    interface Step {
        void apply(OptimizerKernels k, MemorySegment theta, MemorySegment s1, MemorySegment s2, MemorySegment g, int n);
    }

    private void checkF32(String name, int n, Step step) {
        long seed = KernelFixtures.seed(name, n);
        try (Arena arena = Arena.ofConfined()) {
            Random r = new Random(seed);
            MemorySegment[] in = {randomF32(arena, n, r), randomF32(arena, n, r), randomF32(arena, n, r),
                randomF32(arena, n, r)};
            for (int i = 0; i < n; i++) { // second-moment buffers hold squares: keep them >= 0
                in[2].setAtIndex(KernelFixtures.F, PAD + i, Math.abs(in[2].getAtIndex(KernelFixtures.F, PAD + i)));
            }
            MemorySegment[] e = new MemorySegment[4], a = new MemorySegment[4];
            for (int i = 0; i < 4; i++) {
                e[i] = copyOf(arena, in[i]);
                a[i] = copyOf(arena, in[i]);
            }
            for (int rep = 0; rep < 2; rep++) { // twice, so the second step starts from updated state
                step.apply(scalar, e[0], e[1], e[2], e[3], n);
                step.apply(simd, a[0], a[1], a[2], a[3], n);
            }
            String[] what = {"theta", "state 1", "state 2", "g"};
            for (int i = 0; i < 4; i++) {
                assertSameF32(e[i], a[i], n, name + " " + what[i] + ", seed " + seed);
            }
        }
    }

    private void checkF64(String name, int n, Step step) {
        long seed = KernelFixtures.seed(name, n);
        try (Arena arena = Arena.ofConfined()) {
            Random r = new Random(seed);
            MemorySegment[] in = {randomF64(arena, n, r), randomF64(arena, n, r), randomF64(arena, n, r),
                randomF64(arena, n, r)};
            for (int i = 0; i < n; i++) {
                in[2].setAtIndex(KernelFixtures.D, PAD + i, Math.abs(in[2].getAtIndex(KernelFixtures.D, PAD + i)));
            }
            MemorySegment[] e = new MemorySegment[4], a = new MemorySegment[4];
            for (int i = 0; i < 4; i++) {
                e[i] = copyOf(arena, in[i]);
                a[i] = copyOf(arena, in[i]);
            }
            for (int rep = 0; rep < 2; rep++) {
                step.apply(scalar, e[0], e[1], e[2], e[3], n);
                step.apply(simd, a[0], a[1], a[2], a[3], n);
            }
            String[] what = {"theta", "state 1", "state 2", "g"};
            for (int i = 0; i < 4; i++) {
                assertSameF64(e[i], a[i], n, name + " " + what[i] + ", seed " + seed);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("sizes")
    void innapropAndInna(int n) {
        {
            boolean zg = n % 2 == 1; // zero-grad fused on odd sizes, not on even ones
            checkF32("innapropF32 " + zg, n, (k, t, p, v, g, m) -> k.innapropF32(t, PAD, p, PAD, v, PAD, g, PAD, m,
                    0.9999f, 0.999f, 0.001f, 0.0447f, 1e-8f, 0.9989f, 0.0010f, 1.0002f, 0.0011f, 0.0009f, zg));
            checkF64("innapropF64 " + zg, n, (k, t, p, v, g, m) -> k.innapropF64(t, PAD, p, PAD, v, PAD, g, PAD, m,
                    0.9999, 0.999, 0.001, 0.0447, 1e-8, 0.9989, 0.0010, 1.0002, 0.0011, 0.0009, zg));
            // psi and g at shifted offsets: chunks of a tensor start anywhere
            checkF32("innaF32 " + zg, n, (k, t, p, v, g, m) -> k.innaF32(t, PAD, p, PAD - 1, g, PAD + 1,
                    Math.max(m - 1, 0), 0.999f, -9.9f, 10f, 0.01f, 0.1f, zg));
            checkF64("innaF64 " + zg, n, (k, t, p, v, g, m) -> k.innaF64(t, PAD, p, PAD - 1, g, PAD + 1,
                    Math.max(m - 1, 0), 0.999, -9.9, 10, 0.01, 0.1, zg));
        }
    }

    @ParameterizedTest
    @MethodSource("sizes")
    void adamw(int n) {
        {
            boolean zg = n % 2 == 1; // zero-grad fused on odd sizes, not on even ones
            checkF32("adamwF32 " + zg, n, (k, t, m1, v, g, m) -> k.adamwF32(t, PAD, m1, PAD, v, PAD, g, PAD, m,
                    0.99999f, 0.9f, 0.1f, 0.999f, 0.001f, 0.0316f, 1e-8f, 0.01f, zg));
            checkF64("adamwF64 " + zg, n, (k, t, m1, v, g, m) -> k.adamwF64(t, PAD, m1, PAD, v, PAD, g, PAD, m,
                    0.99999, 0.9, 0.1, 0.999, 0.001, 0.0316, 1e-8, 0.01, zg));
        }
    }

    @ParameterizedTest
    @MethodSource("sizes")
    void sgd(int n) {
        {
            boolean zg = n % 2 == 1; // zero-grad fused on odd sizes, not on even ones
            for (float wd : new float[] {0f, 0.01f}) {
                String s = " wd " + wd + " zg " + zg;
                checkF32("sgdF32 plain" + s, n, (k, t, b, u, g, m) -> k.sgdF32(t, PAD, null, 0, g, PAD, m, 0.1f, wd,
                        0f, 0f, 1f, false, zg));
                checkF32("sgdF32 momentum" + s, n, (k, t, b, u, g, m) -> k.sgdF32(t, PAD, b, PAD, g, PAD, m, 0.1f,
                        wd, 0.9f, 0.9f, 0.75f, false, zg));
                checkF32("sgdF32 nesterov" + s, n, (k, t, b, u, g, m) -> k.sgdF32(t, PAD, b, PAD, g, PAD, m, 0.1f,
                        wd, 0.9f, 0.9f, 1f, true, zg));
                checkF64("sgdF64 plain" + s, n, (k, t, b, u, g, m) -> k.sgdF64(t, PAD, null, 0, g, PAD, m, 0.1, wd,
                        0, 0, 1, false, zg));
                checkF64("sgdF64 momentum" + s, n, (k, t, b, u, g, m) -> k.sgdF64(t, PAD, b, PAD, g, PAD, m, 0.1, wd,
                        0.9, 0.9, 0.75, false, zg));
                checkF64("sgdF64 nesterov" + s, n, (k, t, b, u, g, m) -> k.sgdF64(t, PAD, b, PAD, g, PAD, m, 0.1, wd,
                        0.9, 0.9, 1, true, zg));
            }
        }
    }

    @ParameterizedTest
    @MethodSource("sizes")
    void rmsprop(int n) {
        {
            boolean zg = n % 2 == 1; // zero-grad fused on odd sizes, not on even ones
            for (float wd : new float[] {0f, 0.01f}) {
                String s = " wd " + wd + " zg " + zg;
                checkF32("rmspropF32 plain" + s, n, (k, t, b, v, g, m) -> k.rmspropF32(t, PAD, v, PAD, null, 0, g, PAD,
                        m, 0.01f, wd, 0.99f, 0.01f, 1e-8f, 0f, zg));
                checkF32("rmspropF32 momentum" + s, n, (k, t, b, v, g, m) -> k.rmspropF32(t, PAD, v, PAD, b, PAD, g,
                        PAD, m, 0.01f, wd, 0.99f, 0.01f, 1e-8f, 0.9f, zg));
                checkF64("rmspropF64 plain" + s, n, (k, t, b, v, g, m) -> k.rmspropF64(t, PAD, v, PAD, null, 0, g, PAD,
                        m, 0.01, wd, 0.99, 0.01, 1e-8, 0, zg));
                checkF64("rmspropF64 momentum" + s, n, (k, t, b, v, g, m) -> k.rmspropF64(t, PAD, v, PAD, b, PAD, g,
                        PAD, m, 0.01, wd, 0.99, 0.01, 1e-8, 0.9, zg));
            }
        }
    }
}
