package dev.inertia.autodiff;

import dev.inertia.kernels.Window2d;
import dev.inertia.memory.Tensor;

/**
 * 2-D average pooling over NCHW (PyTorch's {@code AvgPool2d} with its defaults
 * {@code ceil_mode=False, count_include_pad=True}: every window is divided by k², padding
 * counting as zeros) and global average pooling {@code [N, C, H, W] -> [N, C]}. Both are linear,
 * so the tangent rule is the forward rule applied to the tangent and the reverse rule spreads
 * each output's gradient evenly over its window.
 */
final class AvgPooling {
    private AvgPooling() {}

    static Var avgPool2d(Var x, int k, int stride, int padding) {
        PoolWindows.requirePooling(x, k, padding, "avgPool2d");
        PoolRule rule = x.tape.reusableRule(PoolRule.class);
        Window2d g = PoolWindows.square(rule == null ? null : rule.g, x, k, stride, padding);
        Tensor out = x.tape.buffer(x.dtype(), x.shape[0], x.shape[1], g.outH(), g.outW());
        (rule == null ? rule = new PoolRule() : rule).set(g);
        rule.pool(x.value, out);
        return x.tape.record(out, rule, x);
    }

    static Var globalAvgPool2d(Var x) {
        PoolWindows.requireNchw(x, "globalAvgPool2d");
        Tensor out = x.tape.buffer(x.dtype(), x.shape[0], x.shape[1]);
        GlobalRule rule = x.tape.rule(GlobalRule.class, GlobalRule::new);
        rule.pool(x.value, out);
        return x.tape.record(out, rule, x);
    }

    /** Reconfigured by {@link #set} when the tape recycles it (see {@link Tape#reusableRule}). */
    private static final class PoolRule extends UnaryRule {
        private Window2d g;

        PoolRule() {
            super("avgPool2d");
        }

        PoolRule set(Window2d g) {
            this.g = g;
            return this;
        }

        /** out = the window means of x (also the tangent rule: the op is linear). */
        void pool(Tensor x, Tensor out) {
            int planes = PoolWindows.planes(x), h = g.h(), w = g.w(), oh = g.outH(), ow = g.outW();
            double inv = 1.0 / (g.kh() * g.kw());
            for (int p = 0; p < planes; p++) {
                long in = (long) p * h * w, o = (long) p * oh * ow;
                for (int i = 0; i < oh; i++) {
                    int r0 = Math.max(i * g.sh() - g.ph(), 0), r1 = Math.min(i * g.sh() - g.ph() + g.kh(), h);
                    for (int j = 0; j < ow; j++) {
                        int c0 = Math.max(j * g.sw() - g.pw(), 0), c1 = Math.min(j * g.sw() - g.pw() + g.kw(), w);
                        double s = 0;
                        for (int r = r0; r < r1; r++) {
                            for (int c = c0; c < c1; c++) {
                                s += x.getDouble(in + (long) r * w + c);
                            }
                        }
                        out.setDouble(o + (long) i * ow + j, s * inv);
                    }
                }
            }
        }

        @Override
        void backward(Var out, Var x, Tensor dx) {
            Kern.fill(0, dx);
            Tensor dy = out.grad;
            int planes = PoolWindows.planes(x.value), h = g.h(), w = g.w(), oh = g.outH(), ow = g.outW();
            double inv = 1.0 / (g.kh() * g.kw());
            for (int p = 0; p < planes; p++) {
                long in = (long) p * h * w, o = (long) p * oh * ow;
                for (int i = 0; i < oh; i++) {
                    int r0 = Math.max(i * g.sh() - g.ph(), 0), r1 = Math.min(i * g.sh() - g.ph() + g.kh(), h);
                    for (int j = 0; j < ow; j++) {
                        int c0 = Math.max(j * g.sw() - g.pw(), 0), c1 = Math.min(j * g.sw() - g.pw() + g.kw(), w);
                        double share = dy.getDouble(o + (long) i * ow + j) * inv;
                        for (int r = r0; r < r1; r++) {
                            for (int c = c0; c < c1; c++) {
                                long at = in + (long) r * w + c;
                                dx.setDouble(at, dx.getDouble(at) + share);
                            }
                        }
                    }
                }
            }
        }

        @Override
        void tangent(Var out) {
            pool(out.input(0).tangent, out.tangentBuffer());
        }

        @Override
        long forwardOps(Var out) {
            // k² additions and one multiply per window
            return out.size() * (g.kh() * g.kw() + 1);
        }

        @Override
        long backwardOps(Var out) {
            return forwardOps(out);
        }

        @Override
        long tangentOps(Var out) {
            return forwardOps(out);
        }
    }

    /** Reconfigured by {@link #set} when the tape recycles it (see {@link Tape#reusableRule}). */
    private static final class GlobalRule extends UnaryRule {
        GlobalRule() {
            super("globalAvgPool2d");
        }

        /** The elements of one plane of {@code [N, C, H, W]}. */
        private static int area(Tensor nchw) {
            return nchw.dim(2) * nchw.dim(3);
        }

        /** out[p] = the mean of plane p (also the tangent rule). */
        void pool(Tensor x, Tensor out) {
            int planes = PoolWindows.planes(x), area = area(x);
            for (int p = 0; p < planes; p++) {
                long base = (long) p * area;
                double s = 0;
                for (int i = 0; i < area; i++) {
                    s += x.getDouble(base + i);
                }
                out.setDouble(p, s / area);
            }
        }

        @Override
        void backward(Var out, Var x, Tensor dx) {
            int planes = PoolWindows.planes(x.value), area = area(x.value);
            for (int p = 0; p < planes; p++) {
                // a plain loop: the SIMD fill called on small planes would run cold (see Tape#backward)
                double share = out.grad.getDouble(p) / area;
                long base = (long) p * area;
                for (int i = 0; i < area; i++) {
                    dx.setDouble(base + i, share);
                }
            }
        }

        @Override
        void tangent(Var out) {
            pool(out.input(0).tangent, out.tangentBuffer());
        }

        @Override
        long forwardOps(Var out) {
            return out.input(0).size() + out.size(); // an add per element, a divide per plane
        }

        @Override
        long backwardOps(Var out) {
            return out.size(); // one divide per plane, then a fill
        }

        @Override
        long tangentOps(Var out) {
            return forwardOps(out);
        }
    }
}
