package dev.inertia.kernels;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Locale;

/**
 * A developer tool, not a test: the cost of the heap-segment cliff (docs/PERFORMANCE.md). Times
 * the SIMD GEMM on native segments (128 × 1024 × 1024, as the mlp's hidden layer), after first
 * calling the ReLU kernel on heap segments ({@code MemorySegment.ofArray(float[])}) when asked:
 * those calls put a second segment class into the type profiles of the Vector API's loads and
 * stores, which the GEMM shares.
 *
 * <p>Usage (after {@code ./mvnw -q test-compile}): {@code java --add-modules jdk.incubator.vector
 * -Dinertia.threads=1 -cp target/classes:target/test-classes dev.inertia.kernels.HeapSegmentCliff
 * native|heap}.
 */
public final class HeapSegmentCliff {
    private static final int M = 128, N = 1024, K = 1024, CALLS = 200, ROUNDS = 8;

    private HeapSegmentCliff() {}

    public static void main(String[] args) {
        if (args.length != 1 || !args[0].equals("native") && !args[0].equals("heap")) {
            System.err.println("usage: HeapSegmentCliff native|heap");
            System.exit(2);
        }
        if (args[0].equals("heap")) {
            float[] x = new float[4096], y = new float[4096];
            for (int i = 0; i < 20_000; i++) {
                Kernels.activations().reluF32(MemorySegment.ofArray(x), 0, MemorySegment.ofArray(y), 0, x.length);
            }
        }
        Arena arena = Arena.ofAuto();
        MemorySegment a = arena.allocate(4L * M * K, 64), b = arena.allocate(4L * K * N, 64);
        MemorySegment c = arena.allocate(4L * M * N, 64);
        GemmKernels gemm = Kernels.gemm();
        for (int round = 0; round < ROUNDS; round++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < CALLS; i++) {
                gemm.sgemm(false, false, M, N, K, 1f, a, 0, K, b, 0, N, 0f, c, 0, N);
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            System.out.printf(Locale.ROOT, "%s round %d: %.1f GFLOP/s%n", args[0], round,
                    2.0 * M * N * K * CALLS / seconds / 1e9);
        }
    }
}
