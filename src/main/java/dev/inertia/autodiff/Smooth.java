package dev.inertia.autodiff;

import dev.inertia.memory.Tensor;
import java.util.Locale;

/**
 * exp, log, sqrt, tanh, sigmoid: one rule for all, since reverse and tangent rules are the same
 * derivative kernel {@code dx = dy · f'(x)} applied to a gradient or to a tangent.
 */
final class Smooth {
    private Smooth() {}

    static Var apply(Var x, Kern.Fn fn) {
        Tensor out = x.tape.buffer(x.dtype(), x.shape);
        Kern.apply(fn, x.value, out);
        return x.tape.record(out, new SmoothRule(fn), x);
    }

    private static final class SmoothRule extends UnaryRule {
        private final Kern.Fn fn;

        SmoothRule(Kern.Fn fn) {
            super(fn.name().toLowerCase(Locale.ROOT));
            this.fn = fn;
        }

        @Override
        void backward(Var out, Var x, Tensor s) {
            Kern.derivative(fn, x.value, out.value, out.grad, s);
        }

        @Override
        void tangent(Var out) {
            Var x = out.input(0);
            Kern.derivative(fn, x.value, out.value, x.tangent, out.tangentBuffer());
        }

        @Override
        long forwardOps(Var out) {
            // exp, log, sqrt, tanh: one elementary function each; sigmoid: exp, abs, add, divide, select.
            return (fn == Kern.Fn.SIGMOID ? 5 : 1) * out.size();
        }

        @Override
        long backwardOps(Var out) {
            // exp: dy·y; log: dy/x; sqrt: dy·0.5/y; tanh: dy·(1 - y·y); sigmoid: dy·y·(1 - y).
            long perElement = switch (fn) {
                case EXP, LOG -> 1;
                case SQRT -> 2;
                case TANH, SIGMOID -> 3;
            };
            return perElement * out.size();
        }

        @Override
        long tangentOps(Var out) {
            return backwardOps(out);
        }
    }
}
