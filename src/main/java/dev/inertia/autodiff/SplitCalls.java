package dev.inertia.autodiff;

import dev.inertia.kernels.ActivationKernels;
import dev.inertia.kernels.Parallel;
import dev.inertia.kernels.Window2d;
import dev.inertia.memory.Tensor;

/**
 * Splits the streaming kernel calls of the large activations (ReLU and max pooling, forward and
 * reverse) over the pool's threads. Each chunk is a contiguous range of elements (of planes for
 * pooling), so every element is computed by the same operations as in one whole call: the
 * results are the same bits at any thread count, and the kink counts, kept per chunk, are summed
 * in chunk order. Calls below {@link #MIN_ELEMENTS}, with one thread, or on memory the pool's
 * threads may not touch run whole on the caller.
 *
 * <p>One reusable job per calling thread (several tapes may run side by side on different
 * threads), so a steady-state step allocates nothing here.
 */
final class SplitCalls implements Parallel.ChunkTask {
    /** Below this many elements a fork-join costs more than it saves. */
    static final long MIN_ELEMENTS = 1L << 16;
    /** Chunks per thread: a late thread's share is taken by the others. */
    private static final int CHUNKS_PER_THREAD = 4;
    /** Element ranges start on multiples of this (whole vectors at any width, whole cache lines). */
    private static final int ALIGN = 64;
    private static final Thread PROBE = new Thread(() -> { }, "inertia-split-access-probe");
    private static final ThreadLocal<SplitCalls> CURRENT = ThreadLocal.withInitial(SplitCalls::new);

    private enum Op { RELU, RELU_BACKWARD, POOL, POOL_BACKWARD }

    private Op op;
    private Tensor x, dy, out;
    private long units;
    private int chunks;
    private double atZero, beta;
    private int planeIn, planeOut;
    private Window2d window;
    private long[][] counts = new long[0][];

    private SplitCalls() {}

    /** out = relu(x), split when large. */
    static void relu(Tensor x, Tensor out) {
        long n = out.size();
        if (!worthSplitting(n, x, out, null)) {
            Kern.relu(x, out, 0, (int) n);
            return;
        }
        SplitCalls job = CURRENT.get();
        job.op = Op.RELU;
        job.run(x, null, out, n, null);
    }

    /** dx = dy · relu'(x) with ReLU'(0) = atZero, split when large; kinks as the kernel counts them. */
    static void reluBackward(Tensor x, Tensor dy, Tensor dx, double atZero, long[] kinks) {
        long n = dx.size();
        if (!worthSplitting(n, x, dx, dy)) {
            Kern.reluBackward(x, dy, dx, atZero, kinks, 0, (int) n);
            return;
        }
        SplitCalls job = CURRENT.get();
        job.op = Op.RELU_BACKWARD;
        job.atZero = atZero;
        job.run(x, dy, dx, n, kinks);
    }

    /** Max pooling of {@code planes} planes, split by planes when large. */
    static void maxPool(Tensor x, Tensor out, int planes, Window2d g) {
        if (!worthSplitting(x.size(), x, out, null) || planes < 2) {
            Kern.maxPool(x, out, g, 0, planes);
            return;
        }
        SplitCalls job = CURRENT.get();
        job.op = Op.POOL;
        job.pooling(g);
        job.run(x, null, out, planes, null);
    }

    /** The reverse of {@link #maxPool}, split by planes when large. */
    static void maxPoolBackward(Tensor x, Tensor dy, Tensor dx, int planes, Window2d g, double beta, long[] kinks) {
        if (!worthSplitting(x.size(), x, dx, dy) || planes < 2) {
            Kern.maxPoolBackward(x, dy, dx, g, beta, kinks, 0, planes);
            return;
        }
        SplitCalls job = CURRENT.get();
        job.op = Op.POOL_BACKWARD;
        job.beta = beta;
        job.pooling(g);
        job.run(x, dy, dx, planes, kinks);
    }

    private static boolean worthSplitting(long elements, Tensor a, Tensor b, Tensor c) {
        return elements >= MIN_ELEMENTS && Parallel.threads() > 1 && shared(a) && shared(b) && (c == null || shared(c));
    }

    private static boolean shared(Tensor t) {
        return t.segment().isAccessibleBy(PROBE);
    }

    private void pooling(Window2d g) {
        window = g;
        planeIn = g.h() * g.w();
        planeOut = g.outH() * g.outW();
    }

    private void run(Tensor x, Tensor dy, Tensor out, long units, long[] kinks) {
        this.x = x;
        this.dy = dy;
        this.out = out;
        this.units = units;
        chunks = (int) Math.min(units, (long) CHUNKS_PER_THREAD * Parallel.threads());
        if (counts.length < chunks) {
            counts = new long[chunks][2];
        }
        for (int c = 0; c < chunks; c++) {
            counts[c][0] = counts[c][1] = 0;
        }
        try {
            Parallel.forEach(chunks, this);
        } finally {
            this.x = this.dy = this.out = null;
            window = null;
        }
        if (kinks != null) {
            for (int c = 0; c < chunks; c++) {
                kinks[ActivationKernels.KINK_HITS] += counts[c][ActivationKernels.KINK_HITS];
                kinks[ActivationKernels.KINK_HITS_NONZERO_GRAD] += counts[c][ActivationKernels.KINK_HITS_NONZERO_GRAD];
            }
        }
    }

    @Override
    public void run(int chunk) {
        boolean planes = op == Op.POOL || op == Op.POOL_BACKWARD;
        long from = boundary(chunk, planes), to = boundary(chunk + 1, planes);
        if (from >= to) {
            return;
        }
        int first = (int) from, count = (int) (to - from);
        switch (op) {
            case RELU -> Kern.relu(x, out, first, count);
            case RELU_BACKWARD -> Kern.reluBackward(x, dy, out, atZero, counts[chunk], first, count);
            case POOL -> Kern.maxPool(x, out, window, first, count);
            case POOL_BACKWARD -> Kern.maxPoolBackward(x, dy, out, window, beta, counts[chunk], first, count);
        }
    }

    /** Start of chunk {@code c}: an even share of the units, elements rounded to {@link #ALIGN}. */
    private long boundary(int c, boolean planes) {
        if (c >= chunks) {
            return units;
        }
        long at = units * c / chunks;
        return planes ? at : Math.min(units, at / ALIGN * ALIGN);
    }
}
