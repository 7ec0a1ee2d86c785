package dev.inertia.autodiff;

import dev.inertia.memory.Tensor;

/**
 * Elementwise losses of a prediction against a target of the same shape and dtype, averaged to
 * a scalar, each one fused op: mean squared error, mean absolute error, Huber and binary
 * cross-entropy on logits (PyTorch's {@code MSELoss}, {@code L1Loss}, {@code HuberLoss},
 * {@code BCEWithLogitsLoss}, reduction "mean"). Both operands may require a gradient.
 *
 * <p>Every loss is {@code mean(l(p, t))} with per-element partial derivatives {@code dl/dp} and
 * {@code dl/dt}; the reverse rule scales them by {@code dy / n}, the tangent rule takes their
 * dot product with the operands' tangents. Only L1 has a kink (p == t, the kink of abs): its
 * derivative there is {@link Kinks#absAtZero()} for p and its negative for t, exactly what
 * {@code p.sub(t).abs().mean()} would give, and the hits are counted like abs's.
 */
final class TargetLoss {
    private TargetLoss() {}

    enum Kind { MSE, L1, HUBER, BCE }

    private static final int[] SCALAR = {};

    static Var apply(Kind kind, Var p, Var t, double delta, Kinks kinks) {
        String name = name(kind);
        if (t.dtype() != p.dtype() || !p.sameShape(t)) {
            throw new IllegalArgumentException(name + ": the target must have the prediction's dtype and shape, "
                    + p.value.describe() + " and " + t.value.describe());
        }
        if (kind == Kind.HUBER && !(delta > 0 && delta < Double.POSITIVE_INFINITY)) {
            throw new IllegalArgumentException(name + ": delta must be positive and finite, got " + delta);
        }
        long n = p.size();
        Tensor pv = p.value, tv = t.value;
        double sum = 0;
        for (long i = 0; i < n; i++) {
            sum += loss(kind, pv.getDouble(i), tv.getDouble(i), delta);
        }
        Tensor out = p.tape.buffer(p.dtype(), SCALAR);
        out.setDouble(0, sum / n); // NaN for no elements, as PyTorch's mean
        double atZero = kind == Kind.L1 ? kinks.absAtZero() : 0;
        return p.tape.record(out, p.tape.rule(LossRule.class, LossRule::new).set(kind, delta, atZero), p, t);
    }

    static String name(Kind kind) {
        return switch (kind) {
            case MSE -> "mseLoss";
            case L1 -> "l1Loss";
            case HUBER -> "huberLoss";
            case BCE -> "bceWithLogits";
        };
    }

    /** The loss of one element. */
    private static double loss(Kind kind, double p, double t, double delta) {
        double r = p - t;
        return switch (kind) {
            case MSE -> r * r;
            case L1 -> Math.abs(r);
            case HUBER -> Math.abs(r) <= delta ? 0.5 * r * r : delta * (Math.abs(r) - 0.5 * delta);
            // max(p, 0) - p·t + log(1 + exp(-|p|)): no overflow for any logit
            case BCE -> Math.max(p, 0) - p * t + Math.log1p(Math.exp(-Math.abs(p)));
        };
    }

    /** dl/dp of one element; at L1's kink (p == t) the policy's abs'(0). */
    private static double dp(Kind kind, double p, double t, double delta, double atZero) {
        double r = p - t;
        return switch (kind) {
            case MSE -> 2 * r;
            case L1 -> r > 0 ? 1 : r < 0 ? -1 : r == 0 ? atZero : 0;
            case HUBER -> r > delta ? delta : r < -delta ? -delta : r;
            case BCE -> sigmoid(p) - t;
        };
    }

    /** dl/dt of one element. */
    private static double dt(Kind kind, double p, double t, double delta, double atZero) {
        return kind == Kind.BCE ? -p : -dp(kind, p, t, delta, atZero);
    }

    /** 1 / (1 + exp(-x)) without overflow for large |x|. */
    private static double sigmoid(double x) {
        if (x >= 0) {
            return 1 / (1 + Math.exp(-x));
        }
        double e = Math.exp(x);
        return e / (1 + e);
    }

    /** Reconfigured by {@link #set} when the tape recycles it (see {@link Tape#reusableRule}). */
    private static final class LossRule extends Rule {
        private Kind kind;
        private double delta, atZero;

        LossRule set(Kind kind, double delta, double atZero) {
            this.kind = kind;
            this.delta = delta;
            this.atZero = atZero;
            named(TargetLoss.name(kind), kind == Kind.L1);
            return this;
        }

        @Override
        void backward(Var out) {
            Var p = out.input(0), t = out.input(1);
            long n = p.size();
            double g = out.grad.getDouble(0) / n;
            Tensor pv = p.value, tv = t.value;
            if (p.requiresGrad) {
                Tensor s = p.gradSink(0);
                for (long i = 0; i < n; i++) {
                    s.setDouble(i, g * dp(kind, pv.getDouble(i), tv.getDouble(i), delta, atZero));
                }
                p.gradCommit(s);
            }
            if (t.requiresGrad) {
                Tensor s = t.gradSink(1);
                for (long i = 0; i < n; i++) {
                    s.setDouble(i, g * dt(kind, pv.getDouble(i), tv.getDouble(i), delta, atZero));
                }
                t.gradCommit(s);
            }
            if (kind == Kind.L1) { // every element gets the same incoming gradient g
                long hits = 0;
                for (long i = 0; i < n; i++) {
                    hits += pv.getDouble(i) == tv.getDouble(i) ? 1 : 0;
                }
                out.kinkCounts[0] += hits;
                out.kinkCounts[1] += g != 0 ? hits : 0;
            }
        }

        @Override
        void tangent(Var out) {
            Var p = out.input(0), t = out.input(1);
            Tensor pv = p.value, tv = t.value, tp = p.tangent, tt = t.tangent;
            long n = p.size();
            double sum = 0;
            long hits = 0, live = 0;
            for (long i = 0; i < n; i++) {
                double a = pv.getDouble(i), b = tv.getDouble(i);
                double ta = tp == null ? 0 : tp.getDouble(i), tb = tt == null ? 0 : tt.getDouble(i);
                sum += dp(kind, a, b, delta, atZero) * ta + dt(kind, a, b, delta, atZero) * tb;
                if (kind == Kind.L1 && a == b) { // live: the tangent of p - t, abs's input, is nonzero
                    hits++;
                    live += ta - tb != 0 ? 1 : 0;
                }
            }
            out.tangentBuffer().setDouble(0, sum / n);
            out.kinkCounts[0] += hits;
            out.kinkCounts[1] += live;
        }

        @Override
        long forwardOps(Var out) {
            // per element: mse subtract, square, add; l1 subtract, abs, add; huber subtract, abs,
            // compare, select, two multiplies, add; bce compare, select, multiply, subtract, abs,
            // exp, log1p, add, add. Then one divide.
            long perElement = switch (kind) {
                case MSE, L1 -> 3;
                case HUBER -> 7;
                case BCE -> 9;
            };
            return perElement * out.input(0).size() + 1;
        }

        /** Operations of dl/dp (or dl/dt) times the scaled gradient, per element. */
        private long derivativeOps(boolean forTarget) {
            return switch (kind) {
                case MSE -> 3; // subtract, multiply by 2, multiply by dy/n
                case L1 -> 6; // subtract, then as abs's reverse rule: two comparisons, two selections, a multiply
                case HUBER -> 6; // subtract, two comparisons, two selections, multiply
                case BCE -> forTarget ? 2 : 7; // dt: negate, multiply; dp: sigmoid (5), subtract, multiply
            };
        }

        @Override
        long backwardOps(Var out) {
            Var p = out.input(0), t = out.input(1);
            long n = p.size();
            return 1 + (p.requiresGrad ? derivativeOps(false) * n : 0) + (t.requiresGrad ? derivativeOps(true) * n : 0);
        }

        @Override
        long tangentOps(Var out) {
            // each active input's derivative times its tangent, plus the running sum, then one divide
            Var p = out.input(0), t = out.input(1);
            long n = p.size();
            return 1 + (p.requiresGrad ? (derivativeOps(false) + 1) * n : 0)
                    + (t.requiresGrad ? (derivativeOps(true) + 1) * n : 0);
        }
    }
}
