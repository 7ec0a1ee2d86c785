package dev.inertia.optim;

import dev.inertia.kernels.Kernels;
import dev.inertia.kernels.Parallel;
import dev.inertia.memory.DType;
import dev.inertia.memory.Tensor;
import java.lang.foreign.MemorySegment;
import java.util.Objects;

/** Helpers shared by the optimizers: argument checks and splitting a tensor's range over the pool. */
final class Steps {
    /** Below two chunks of this many elements a step runs on the calling thread. */
    static final int MIN_CHUNK = 1 << 15;
    /** Chunks per thread, so that the dynamic claiming can even out a late or disturbed thread. */
    private static final int CHUNKS_PER_THREAD = 8;

    /** One piece of a step: the elements {@code [offset, offset + n)}. */
    @FunctionalInterface
    interface Range {
        void run(long offset, int n);
    }

    private Steps() {}

    /** Runs {@code range} over {@code [0, size)}, split over the pool when large. */
    static void run(long size, Range range) {
        int threads = Parallel.threads();
        if (threads == 1 || size < 2L * MIN_CHUNK) {
            for (long off = 0; off < size; off += Integer.MAX_VALUE - 63) {
                range.run(off, (int) Math.min(Integer.MAX_VALUE - 63, size - off));
            }
            return;
        }
        long len = chunkLength(size, threads);
        int chunks = (int) ((size + len - 1) / len);
        Parallel.forEach(chunks, c -> {
            long off = c * len;
            range.run(off, (int) Math.min(len, size - off));
        });
    }

    /**
     * One optimizer's pass over one parameter, an object its state keeps and reuses from step to
     * step, so that a step allocates nothing (a capturing lambda would be a new object per step,
     * and the pool's job escapes): the optimizer sets the step's tensors and scalars in the
     * subclass's fields, then calls {@link #over}.
     */
    abstract static class Pass implements Parallel.ChunkTask {
        /** The step's parameter and gradient, whether they are F32 (else F64), and whether to zero the gradient. */
        MemorySegment t, g;
        boolean f32, zeroGrad;
        private long size, len;

        /** The fused update of the elements {@code [offset, offset + n)}. */
        abstract void range(long offset, int n);

        /**
         * Runs the step over {@code theta} with gradient {@code grad}; the subclass's own fields
         * (state buffers, scalars) must be set before.
         */
        final void over(Tensor theta, Tensor grad, boolean zeroGrad) {
            this.f32 = theta.dtype() == DType.F32;
            this.t = theta.segment();
            this.g = grad.segment();
            this.zeroGrad = zeroGrad;
            over(theta.size());
        }

        /** Runs {@link #range} over {@code [0, size)}, split over the pool as {@link Steps#run} does. */
        private void over(long size) {
            int threads = Parallel.threads();
            if (threads == 1 || size < 2L * MIN_CHUNK) {
                for (long off = 0; off < size; off += Integer.MAX_VALUE - 63) {
                    range(off, (int) Math.min(Integer.MAX_VALUE - 63, size - off));
                }
                return;
            }
            this.size = size;
            this.len = chunkLength(size, threads);
            Parallel.forEach((int) ((size + len - 1) / len), this);
        }

        @Override
        public final void run(int chunk) {
            long off = chunk * len;
            range(off, (int) Math.min(len, size - off));
        }
    }

    /** Elements per chunk of a pass over {@code size} elements on {@code threads} threads. */
    private static long chunkLength(long size, int threads) {
        long wanted = (size + (long) threads * CHUNKS_PER_THREAD - 1) / ((long) threads * CHUNKS_PER_THREAD);
        // Multiples of 64 elements keep every chunk's vectors on cache-line boundaries.
        return Math.min(Math.max(MIN_CHUNK, (wanted + 63) & ~63L), 1L << 30);
    }

    static DType requireFloating(Tensor t, String what) {
        Objects.requireNonNull(t, what);
        DType d = t.dtype();
        if (d != DType.F32 && d != DType.F64) {
            throw new IllegalArgumentException(what + " must be F32 or F64, got " + t.describe());
        }
        return d;
    }

    /** Checks the parameter, its gradient and its state before a step. */
    static void check(Tensor theta, Tensor grad, OptimizerState state) {
        requireFloating(theta, "theta");
        Objects.requireNonNull(grad, "grad");
        Objects.requireNonNull(state, "state");
        theta.requireSameLayout(grad, "gradient");
        state.requireFits(theta);
    }

    /**
     * Checks that a state's momentum buffer is there exactly when the optimizer has momentum (SGD
     * and RMSprop allocate it only then).
     */
    static void checkMomentumBuffer(String optimizer, double momentum, Tensor buffer) {
        if ((momentum != 0) != (buffer != null)) {
            throw new IllegalArgumentException(optimizer + " state was made for momentum "
                    + (buffer != null ? "on" : "off") + " but this " + optimizer + " has momentum " + momentum);
        }
    }

    static long size(int[] shape) {
        long n = 1;
        for (int d : shape) {
            n *= d;
        }
        return n;
    }

    /** {@code state = scale * theta}, as PyTorch computes {@code scale * p.clone()} in the parameter's dtype. */
    static void scaled(Tensor theta, double scale, Tensor out) {
        long n = theta.size();
        if (theta.dtype() == DType.F32) {
            run(n, (off, len) -> Kernels.elementwise().scaleF32((float) scale, theta.segment(), off, out.segment(),
                    off, len));
        } else {
            run(n, (off, len) -> Kernels.elementwise().scaleF64(scale, theta.segment(), off, out.segment(), off, len));
        }
    }

    static double nonNegative(double value, String name) {
        if (!(value >= 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(name + " must be a finite number >= 0, got " + value);
        }
        return value;
    }

    static double inUnitInterval(double value, String name) {
        if (!(value >= 0 && value < 1)) {
            throw new IllegalArgumentException(name + " must be in [0, 1), got " + value);
        }
        return value;
    }

    static double positive(double value, String name) {
        if (!(value > 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(name + " must be a finite number > 0, got " + value);
        }
        return value;
    }

    static double finite(double value, String name) {
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException(name + " must be finite, got " + value);
        }
        return value;
    }
}
