package dev.inertia.autodiff;

import dev.inertia.kernels.Window2d;
import dev.inertia.memory.Tensor;

/** 2-D max pooling over NCHW, ties inside a window as {@link Kinks#maxPool()}. */
final class Pooling {
    private Pooling() {}

    static Var maxPool2d(Var x, int k, int stride, int padding, Kinks kinks) {
        PoolWindows.requirePooling(x, k, padding, "maxPool2d");
        PoolRule rule = x.tape.reusableRule(PoolRule.class);
        Window2d g = PoolWindows.square(rule == null ? null : rule.g, x, k, stride, padding);
        Tensor out = x.tape.buffer(x.dtype(), x.shape[0], x.shape[1], g.outH(), g.outW());
        Kern.maxPool(x.value, out, PoolWindows.planes(x.value), g);
        return x.tape.record(out, (rule == null ? new PoolRule() : rule).set(g, kinks.maxPool().beta()), x);
    }

    /** Reconfigured by {@link #set} when the tape recycles it (see {@link Tape#reusableRule}). */
    private static final class PoolRule extends UnaryRule {
        private Window2d g;
        private double beta;

        PoolRule() {
            super("maxPool2d", true);
        }

        PoolRule set(Window2d g, double beta) {
            this.g = g;
            this.beta = beta;
            return this;
        }

        @Override
        void backward(Var out, Var x, Tensor s) {
            Kern.maxPoolBackward(x.value, out.grad, s, PoolWindows.planes(x.value), g, beta, out.kinkCounts);
        }

        @Override
        void tangent(Var out) {
            Var x = out.input(0);
            int planes = PoolWindows.planes(x.value);
            Kern.maxPoolTangent(x.value, x.tangent, out.tangentBuffer(), planes, g, beta, out.kinkCounts);
        }

        @Override
        void lexTangents(Var out, int k) {
            Var x = out.input(0);
            Lexicographic.maxPool(x.value, x.tangents, out.tangentsBuffer(k), k, PoolWindows.planes(x.value), g,
                    out.kinkCounts);
        }

        private long scanned(Var out) {
            return out.size() * g.kh() * g.kw();
        }

        @Override
        long forwardOps(Var out) {
            return 2 * scanned(out);
        }

        @Override
        long backwardOps(Var out) {
            return 3 * scanned(out) + out.size();
        }

        @Override
        long tangentOps(Var out) {
            return backwardOps(out);
        }
    }
}
