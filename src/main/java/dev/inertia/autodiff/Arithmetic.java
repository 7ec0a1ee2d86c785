package dev.inertia.autodiff;

import dev.inertia.memory.Tensor;
import java.util.Arrays;
import java.util.Locale;

/**
 * add, sub, mul, div (with broadcasting), scale / neg, adding a scalar, and the per-channel
 * bias: forward values, reverse rules and tangent rules.
 *
 * <p>Broadcasting views the larger operand {@code a} as {@code [outer, channels, inner]} and
 * repeats {@code b [channels]} along outer and inner: a scalar b is {@code (1, 1, size)}, a
 * suffix-shaped b is {@code (size / |b|, |b|, 1)}, a channel bias is {@code (N, C, H·W)}.
 */
final class Arithmetic {
    private Arithmetic() {}

    enum Kind {
        ADD, SUB, MUL, DIV;

        /** The op's name: add, sub, mul, div. */
        final String label = name().toLowerCase(Locale.ROOT);
    }

    /** The broadcast layout of b over a, or null when both have the same shape. */
    private record Layout(int outer, int channels, int inner) {}

    static Var binary(Kind kind, Var a, Var b) {
        checkPair(kind, a, b);
        if (a.sameShape(b)) {
            return record(kind, a, b, null);
        }
        Layout ab = layout(a, b);
        if (ab != null) {
            return record(kind, a, b, ab);
        }
        Layout ba = layout(b, a);
        if (ba == null) {
            throw new IllegalArgumentException(kind.label + ": shapes " + Arrays.toString(a.shape)
                    + " and " + Arrays.toString(b.shape) + " do not broadcast (same shape, a scalar, or a suffix)");
        }
        return switch (kind) {
            case ADD, MUL -> record(kind, b, a, ba);
            case SUB -> record(Kind.SUB, b, a, ba).neg();
            case DIV -> throw new IllegalArgumentException("div: the numerator " + Arrays.toString(a.shape)
                    + " would broadcast to the divisor's shape " + Arrays.toString(b.shape)
                    + "; only the divisor broadcasts");
        };
    }

    /** b broadcast over axis 1 of a. */
    static Var addBias(Var a, Var b) {
        checkPair(Kind.ADD, a, b);
        if (a.shape.length < 2 || b.shape.length != 1 || b.shape[0] != a.shape[1]) {
            throw new IllegalArgumentException("addBias: expected a [N, C, ...] value and a bias [C], got "
                    + Arrays.toString(a.shape) + " and " + Arrays.toString(b.shape));
        }
        int inner = (int) (a.size() / ((long) a.shape[0] * a.shape[1]));
        BinaryRule previous = a.tape.reusableRule(BinaryRule.class);
        Layout l = previous != null && previous.l != null && previous.l.outer == a.shape[0]
                && previous.l.channels == a.shape[1] && previous.l.inner == inner ? previous.l
                : new Layout(a.shape[0], a.shape[1], inner);
        return record(Kind.ADD, a, b, l);
    }

    private static void checkPair(Kind kind, Var a, Var b) {
        if (a.dtype() != b.dtype()) {
            throw new IllegalArgumentException(kind.label + ": dtypes differ, " + a.dtype() + " and "
                    + b.dtype());
        }
    }

    private static Layout layout(Var a, Var b) {
        if (b.size() == 1) {
            return new Layout(1, 1, (int) a.size());
        }
        int[] bs = stripLeadingOnes(b.shape);
        if (bs.length > a.shape.length || b.size() == 0) {
            return null;
        }
        int offset = a.shape.length - bs.length;
        for (int i = 0; i < bs.length; i++) {
            if (bs[i] != a.shape[offset + i]) {
                return null;
            }
        }
        return new Layout((int) (a.size() / b.size()), (int) b.size(), 1);
    }

    private static int[] stripLeadingOnes(int[] s) {
        int i = 0;
        while (i < s.length && s[i] == 1) {
            i++;
        }
        return Arrays.copyOfRange(s, i, s.length);
    }

    private static Var record(Kind kind, Var a, Var b, Layout l) {
        Tensor out = a.tape.buffer(a.dtype(), a.shape);
        if (l == null) {
            switch (kind) {
                case ADD -> Kern.add(a.value, b.value, out);
                case SUB -> Kern.sub(a.value, b.value, out);
                case MUL -> Kern.mul(a.value, b.value, out);
                case DIV -> Kern.div(a.value, b.value, out);
            }
        } else {
            Tensor bv = b.value;
            switch (kind) {
                case ADD -> Kern.broadcast(Kern.Bc.ADD, a.value, bv, out, l.outer, l.channels, l.inner);
                case SUB -> {
                    Kern.broadcast(Kern.Bc.ADD, a.value, negated(a, bv), out, l.outer, l.channels, l.inner);
                }
                case MUL -> Kern.broadcast(Kern.Bc.MUL, a.value, bv, out, l.outer, l.channels, l.inner);
                case DIV -> Kern.broadcast(Kern.Bc.DIV, a.value, bv, out, l.outer, l.channels, l.inner);
            }
        }
        return a.tape.record(out, a.tape.rule(BinaryRule.class, BinaryRule::new).set(kind, l), a, b);
    }

    /** -b in a scratch buffer (a broadcast subtraction adds the negated, small, operand). */
    private static Tensor negated(Var a, Tensor b) {
        Tensor s = a.tape.scratch(0, b.dtype(), b.shape());
        Kern.scale(-1, b, s);
        return s;
    }

    /** Reconfigured by {@link #set} when the tape recycles it (see {@link Tape#reusableRule}). */
    private static final class BinaryRule extends Rule {
        private Kind kind;
        private Layout l;

        BinaryRule set(Kind kind, Layout l) {
            this.kind = kind;
            this.l = l;
            named(kind.label, false);
            return this;
        }

        @Override
        void backward(Var out) {
            Var a = out.input(0), b = out.input(1);
            Tensor dy = out.grad;
            if (a.requiresGrad && !((kind == Kind.ADD || kind == Kind.SUB) && a.gradAlias(dy))) {
                Tensor s = a.gradSink(0);
                switch (kind) {
                    case ADD, SUB -> Kern.copy(dy, s);
                    case MUL -> mulB(dy, b.value, s);
                    case DIV -> {
                        if (l == null) {
                            Kern.div(dy, b.value, s);
                        } else {
                            Kern.broadcast(Kern.Bc.DIV, dy, b.value, s, l.outer, l.channels, l.inner);
                        }
                    }
                }
                a.gradCommit(s);
            }
            if (b.requiresGrad) {
                if (l == null) {
                    Tensor s = b.gradSink(1);
                    switch (kind) {
                        case ADD -> Kern.copy(dy, s);
                        case SUB -> Kern.scale(-1, dy, s);
                        case MUL -> Kern.mul(dy, a.value, s);
                        case DIV -> Kern.divisorBackward(out.value, b.value, dy, s);
                    }
                    b.gradCommit(s);
                } else {
                    boolean acc = b.gradAccumulates();
                    Tensor db = b.gradClaim();
                    switch (kind) {
                        case ADD -> Kern.sumBias(dy, db, l.outer, l.channels, l.inner, 1, acc);
                        case SUB -> Kern.sumBias(dy, db, l.outer, l.channels, l.inner, -1, acc);
                        case MUL -> Kern.sumProduct(dy, a.value, db, l.outer, l.channels, l.inner, 1, acc);
                        case DIV -> {
                            // d(a/b)/db = -(a/b)/b: sum dy · (out / b), negated.
                            Tensor q = out.tape.scratch(2, out.dtype(), out.shape);
                            Kern.broadcast(Kern.Bc.DIV, out.value, b.value, q, l.outer, l.channels, l.inner);
                            Kern.sumProduct(dy, q, db, l.outer, l.channels, l.inner, -1, acc);
                        }
                    }
                }
            }
        }

        /** s = x * b, with b broadcast when this op broadcasts. */
        private void mulB(Tensor x, Tensor b, Tensor s) {
            if (l == null) {
                Kern.mul(x, b, s);
            } else {
                Kern.broadcast(Kern.Bc.MUL, x, b, s, l.outer, l.channels, l.inner);
            }
        }

        /** s = x + b (or x - b), with b broadcast when this op broadcasts. */
        private void addB(Tensor x, Tensor b, Tensor s, double sign, Var out) {
            if (l == null) {
                if (sign > 0) {
                    Kern.add(x, b, s);
                } else {
                    Kern.sub(x, b, s);
                }
            } else {
                Tensor nb = b;
                if (sign < 0) {
                    nb = out.tape.scratch(3, b.dtype(), b.shape());
                    Kern.scale(-1, b, nb);
                }
                Kern.broadcast(Kern.Bc.ADD, x, nb, s, l.outer, l.channels, l.inner);
            }
        }

        @Override
        void tangent(Var out) {
            Var a = out.input(0), b = out.input(1);
            Tensor ta = a.tangent, tb = b.tangent;
            Tensor t = out.tangentBuffer();
            double sign = kind == Kind.SUB ? -1 : 1;
            switch (kind) {
                case ADD, SUB -> {
                    if (ta == null) {
                        Kern.fill(0, t);
                        addB(t, tb, t, sign, out);
                    } else if (tb == null) {
                        Kern.copy(ta, t);
                    } else {
                        addB(ta, tb, t, sign, out);
                    }
                }
                case MUL -> {
                    if (ta != null) {
                        mulB(ta, b.value, t);
                    }
                    if (tb != null) {
                        Tensor s = ta == null ? t : out.tape.scratch(2, out.dtype(), out.shape);
                        mulB(a.value, tb, s);
                        if (ta != null) {
                            Kern.add(t, s, t);
                        }
                    }
                }
                case DIV -> {
                    // t = (ta - out · tb) / b
                    if (tb == null) {
                        Kern.copy(ta, t);
                    } else {
                        mulB(out.value, tb, t);
                        if (ta == null) {
                            Kern.scale(-1, t, t);
                        } else {
                            Kern.sub(ta, t, t);
                        }
                    }
                    if (l == null) {
                        Kern.div(t, b.value, t);
                    } else {
                        Kern.broadcast(Kern.Bc.DIV, t, b.value, t, l.outer, l.channels, l.inner);
                    }
                }
            }
        }

        @Override
        long forwardOps(Var out) {
            return kind == Kind.SUB && l != null ? out.size() + out.input(1).size() : out.size();
        }

        @Override
        long backwardOps(Var out) {
            long n = out.size();
            boolean ga = out.input(0).requiresGrad, gb = out.input(1).requiresGrad;
            long ops = 0;
            switch (kind) {
                case ADD -> ops = gb && l != null ? n : 0;
                case SUB -> ops = gb ? n : 0;
                case MUL -> ops = (ga ? n : 0) + (gb ? (l != null ? 2 * n : n) : 0);
                case DIV -> ops = (ga ? n : 0) + (gb ? 3 * n : 0);
            }
            return ops;
        }

        @Override
        long tangentOps(Var out) {
            long n = out.size();
            boolean ta = out.input(0).requiresGrad, tb = out.input(1).requiresGrad;
            return switch (kind) {
                case ADD, SUB -> ta && tb ? n : tb ? n : 0;
                case MUL -> ta && tb ? 3 * n : n;
                case DIV -> tb ? 3 * n : n;
            };
        }
    }

    // ---- scale, neg --------------------------------------------------------------------------

    static Var scale(Var x, double c, String name) {
        Tensor out = x.tape.buffer(x.dtype(), x.shape);
        Kern.scale(c, x.value, out);
        return x.tape.record(out, x.tape.rule(ScaleRule.class, ScaleRule::new).set(c, name), x);
    }

    /** Reconfigured by {@link #set} when the tape recycles it (see {@link Tape#reusableRule}). */
    private static final class ScaleRule extends UnaryRule {
        private double c;

        ScaleRule set(double c, String name) {
            this.c = c;
            named(name, false);
            return this;
        }

        @Override
        void backward(Var out, Var x, Tensor s) {
            Kern.scale(c, out.grad, s);
        }

        @Override
        void tangent(Var out) {
            Kern.scale(c, out.input(0).tangent, out.tangentBuffer());
        }

        @Override
        long forwardOps(Var out) {
            return out.size();
        }

        @Override
        long backwardOps(Var out) {
            return out.size();
        }

        @Override
        long tangentOps(Var out) {
            return backwardOps(out); // the same scaling
        }
    }

    // ---- x + c -------------------------------------------------------------------------------

    static Var addScalar(Var x, double c) {
        Tensor cst = x.tape.buffer(x.dtype(), new int[0]);
        cst.setDouble(0, c);
        Tensor out = x.tape.buffer(x.dtype(), x.shape);
        Kern.broadcast(Kern.Bc.ADD, x.value, cst, out, 1, 1, (int) x.size());
        return x.tape.record(out, new AddScalarRule(), x);
    }

    private static final class AddScalarRule extends PassThroughRule {
        AddScalarRule() {
            super("addScalar");
        }

        @Override
        void tangent(Var out) {
            out.tangent = out.input(0).tangent; // the same tangent: no copy
        }

        @Override
        long forwardOps(Var out) {
            return out.size();
        }
    }
}
