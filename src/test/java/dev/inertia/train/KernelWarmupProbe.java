package dev.inertia.train;

import dev.inertia.kernels.Simd;
import dev.inertia.memory.DType;

/**
 * A warm-up in a JVM of its own, for {@link KernelWarmupTest}, on the scalar path: {@code scalar}
 * runs the mlp warm-up, {@code failing} one whose work throws (waited for twice, asked for twice);
 * prints {@code probe done} and exits 0 when the warm-up behaved, exits 1 otherwise.
 */
public final class KernelWarmupProbe {
    private KernelWarmupProbe() {}

    public static void main(String[] args) {
        if (Simd.enabled()) {
            System.out.println("the SIMD path is on; run with -Dinertia.simd=scalar");
            System.exit(1);
        }
        KernelWarmup warmup;
        boolean ok;
        if (args[0].equals("failing")) {
            warmup = KernelWarmup.startOnce("probe-failing", () -> {
                throw new IllegalStateException("a broken warm-up");
            });
            warmup.await();
            warmup.await();
            ok = warmup.failed() && KernelWarmup.startOnce("probe-failing", () -> 1) == warmup;
        } else {
            warmup = KernelWarmup.start(DType.F32, false, "innaprop");
            warmup.await();
            ok = !warmup.failed() && warmup.steps() > 0;
        }
        System.out.println((ok ? "probe done: " : "probe failed: ") + warmup);
        System.exit(ok ? 0 : 1);
    }
}
