package dev.inertia.autodiff;

import dev.inertia.memory.Tensor;

/**
 * The nonsmooth activations relu, leakyRelu, clamp (relu6 and hardtanh are clamps) and abs.
 * The value at each kink comes from the {@link Kinks} in force when the op is recorded. The
 * reverse and the tangent rule are the same derivative kernel (applied to a gradient or a
 * tangent), which also counts the kink hits.
 */
final class Activations {
    private Activations() {}

    private enum Kind { RELU, LEAKY, CLAMP, ABS }

    static Var relu(Var x, Kinks k) {
        Tensor out = x.tape.buffer(x.dtype(), x.shape);
        Kern.relu(x.value, out);
        return x.tape.record(out, rule(x.tape).set(Kind.RELU, "relu", 0, 0, k.reluAtZero(), 0, 0), x);
    }

    static Var leakyRelu(Var x, double slope, Kinks k) {
        if (!Double.isFinite(slope)) {
            throw new IllegalArgumentException("leakyRelu: slope must be finite, got " + slope);
        }
        Tensor out = x.tape.buffer(x.dtype(), x.shape);
        Kern.leakyRelu(x.value, out, slope);
        return x.tape.record(out, rule(x.tape).set(Kind.LEAKY, "leakyRelu", 0, 0, k.leakyReluAtZero(slope), 0, slope),
                x);
    }

    /** clamp to [lo, hi]; {@code name} is relu6, hardtanh or clamp, and picks the corner values. */
    static Var clamp(Var x, double lo, double hi, String name, Kinks k) {
        if (!(lo <= hi)) {
            throw new IllegalArgumentException(name + ": needs lo <= hi, got [" + lo + ", " + hi + "]");
        }
        double atLow = switch (name) {
            case "relu6" -> k.relu6AtZero();
            case "hardtanh" -> k.hardtanhAtLow();
            default -> k.clampAtLow();
        };
        double atHigh = switch (name) {
            case "relu6" -> k.relu6AtSix();
            case "hardtanh" -> k.hardtanhAtHigh();
            default -> k.clampAtHigh();
        };
        Tensor out = x.tape.buffer(x.dtype(), x.shape);
        Kern.clamp(x.value, out, lo, hi);
        return x.tape.record(out, rule(x.tape).set(Kind.CLAMP, name, lo, hi, atLow, atHigh, 0), x);
    }

    static Var abs(Var x, Kinks k) {
        Tensor out = x.tape.buffer(x.dtype(), x.shape);
        Kern.abs(x.value, out);
        return x.tape.record(out, rule(x.tape).set(Kind.ABS, "abs", 0, 0, k.absAtZero(), 0, 0), x);
    }

    private static ActivationRule rule(Tape tape) {
        return tape.rule(ActivationRule.class, ActivationRule::new);
    }

    private static final class ActivationRule extends UnaryRule {
        private Kind kind;
        private double lo, hi, atFirst, atSecond, slope;

        ActivationRule set(Kind kind, String name, double lo, double hi, double atFirst, double atSecond,
                double slope) {
            this.kind = kind;
            named(name, true);
            this.lo = lo;
            this.hi = hi;
            this.atFirst = atFirst;
            this.atSecond = atSecond;
            this.slope = slope;
            return this;
        }

        /** dx = dy · (the chosen element of the derivative at x) */
        private void derivative(Tensor x, Tensor dy, Tensor dx, long[] kinks) {
            switch (kind) {
                case RELU -> Kern.reluBackward(x, dy, dx, atFirst, kinks);
                case LEAKY -> Kern.leakyReluBackward(x, dy, dx, slope, atFirst, kinks);
                case CLAMP -> Kern.clampBackward(x, dy, dx, lo, hi, atFirst, atSecond, kinks);
                case ABS -> Kern.absBackward(x, dy, dx, atFirst, kinks);
            }
        }

        @Override
        void backward(Var out, Var x, Tensor s) {
            derivative(x.value, out.grad, s, out.kinkCounts);
        }

        @Override
        void tangent(Var out) {
            Var x = out.input(0);
            derivative(x.value, x.tangent, out.tangentBuffer(), out.kinkCounts);
        }

        @Override
        void lexTangents(Var out, int k) {
            Var x = out.input(0);
            Lexicographic.Slope f = switch (kind) {
                case RELU -> Lexicographic.RELU;
                case LEAKY -> Lexicographic.leaky(slope);
                case CLAMP -> Lexicographic.clamp(lo, hi);
                case ABS -> Lexicographic.ABS;
            };
            Lexicographic.apply(x.value, x.tangents, out.tangentsBuffer(k), k, f, out.kinkCounts);
        }

        @Override
        long forwardOps(Var out) {
            // relu: compare + select; leaky: compare, multiply, select; clamp: two of each; abs: one.
            long perElement = switch (kind) {
                case RELU -> 2;
                case LEAKY -> 3;
                case CLAMP -> 4;
                case ABS -> 1;
            };
            return perElement * out.size();
        }

        @Override
        long backwardOps(Var out) {
            // The comparisons and selections picking the derivative element, and one multiply.
            long perElement = switch (kind) {
                case RELU, LEAKY, ABS -> 5;
                case CLAMP -> 8;
            };
            return perElement * out.size();
        }

        @Override
        long tangentOps(Var out) {
            return backwardOps(out);
        }
    }
}
