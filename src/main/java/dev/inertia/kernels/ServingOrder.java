package dev.inertia.kernels;

import dev.inertia.kernels.scalar.ScalarGemm;

/**
 * Whether the GEMMs the current thread calls may take the serving order: a product of at most
 * {@link ScalarGemm#SMALL_M} rows with B stored n×k (a Linear layer's forward pass on a served
 * batch of 1 to 4 examples) is then summed as dot products of contiguous rows, in the order
 * {@link ScalarGemm} defines for them, without packing: ~2.5x faster at batch 1 on the Intel Xeon
 * (docs/PERFORMANCE.md, "Small batches"). The price is that a row's last bits then depend on how
 * many rows its batch has.
 *
 * <p>Off unless bound, because training and the AD promise the opposite: one order along k for
 * every row, so that a row's result does not depend on its neighbours ({@code AD.jvps}: a block of
 * k tangent directions equals k single JVPs to the last bit). {@code Predictor} binds it around its
 * forward pass, where only the served outputs are at stake. The SIMD GEMM and its scalar twin ask
 * the same question on the calling thread, so they stay bit-identical either way.
 *
 * <pre>{@code
 * try (ServingOrder.Binding serving = ServingOrder.bind()) {
 *     // small-batch NT products on this thread take the dot-product order
 * }
 * }</pre>
 */
public final class ServingOrder {
    private static final ThreadLocal<Boolean> BOUND = new ThreadLocal<>();

    private ServingOrder() {
    }

    /** Lets the current thread's GEMMs take the serving order until the binding is closed. */
    public static Binding bind() {
        Boolean previous = BOUND.get();
        BOUND.set(Boolean.TRUE);
        return new Binding(previous);
    }

    /** Whether the serving order is bound on the current thread. */
    public static boolean active() {
        return BOUND.get() == Boolean.TRUE;
    }

    /** Restores, when closed on the thread that bound it, what was bound before. */
    public static final class Binding implements AutoCloseable {
        private final Boolean previous;
        private final Thread owner = Thread.currentThread();
        private boolean closed;

        private Binding(Boolean previous) {
            this.previous = previous;
        }

        @Override
        public void close() {
            if (Thread.currentThread() != owner) {
                throw new IllegalStateException("a ServingOrder binding must be closed on the thread that made it");
            }
            if (!closed) {
                closed = true;
                BOUND.set(previous);
            }
        }
    }
}
