package dev.inertia.autodiff;

import dev.inertia.memory.Tensor;

/**
 * softmax and log-softmax over the last axis, each row shifted by its maximum so that exp
 * never overflows. The rules need only the output: softmax's Jacobian is
 * {@code diag(y) - y yᵀ}, log-softmax's {@code I - 1 softmaxᵀ} with {@code softmax = exp(y)}.
 */
final class Softmax {
    private Softmax() {}

    static Var apply(Var x, boolean log) {
        String name = log ? "logSoftmax" : "softmax";
        if (x.shape.length < 1) {
            throw new IllegalArgumentException(name + " needs at least one axis, got a scalar");
        }
        int cols = cols(x), rows = rows(x);
        Tensor in = x.value;
        Tensor out = x.tape.buffer(x.dtype(), x.shape);
        for (int r = 0; r < rows; r++) {
            long base = (long) r * cols;
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < cols; j++) {
                max = Math.max(max, in.getDouble(base + j));
            }
            double sum = 0;
            for (int j = 0; j < cols; j++) {
                double e = Math.exp(in.getDouble(base + j) - max);
                sum += e;
                if (!log) {
                    out.setDouble(base + j, e);
                }
            }
            if (log) {
                double shift = max + Math.log(sum);
                for (int j = 0; j < cols; j++) {
                    out.setDouble(base + j, in.getDouble(base + j) - shift);
                }
            } else {
                // Dividing the stored (rounded) exps, not recomputing them: rows sum to 1 within an ulp per element.
                for (int j = 0; j < cols; j++) {
                    out.setDouble(base + j, out.getDouble(base + j) / sum);
                }
            }
        }
        return x.tape.record(out, x.tape.rule(SoftmaxRule.class, SoftmaxRule::new).set(log), x);
    }

    /** The length of the last axis: one row. */
    private static int cols(Var v) {
        return v.shape[v.shape.length - 1];
    }

    /** How many rows of the last axis's length. */
    private static int rows(Var v) {
        int cols = cols(v);
        return cols == 0 ? 0 : (int) (v.size() / cols);
    }

    /** Reconfigured by {@link #set} when the tape recycles it (see {@link Tape#reusableRule}). */
    private static final class SoftmaxRule extends UnaryRule {
        private boolean log;

        SoftmaxRule set(boolean log) {
            this.log = log;
            named(log ? "logSoftmax" : "softmax", false);
            return this;
        }

        /**
         * The Jacobian-vector product of one row (it is symmetric for softmax, and its transpose
         * for log-softmax only swaps which side the softmax weights): {@code v} a gradient when
         * {@code reverse}, a tangent otherwise.
         */
        private void apply(Var out, Tensor v, Tensor dst, boolean reverse) {
            Tensor y = out.value;
            int rows = rows(out), cols = cols(out);
            for (int r = 0; r < rows; r++) {
                long base = (long) r * cols;
                double dot = 0;
                for (int j = 0; j < cols; j++) {
                    double vj = v.getDouble(base + j);
                    // softmax: <v, y>; log-softmax reverse: sum(v); log-softmax tangent: <v, exp(y)>
                    dot += !log ? vj * y.getDouble(base + j) : reverse ? vj : vj * Math.exp(y.getDouble(base + j));
                }
                for (int j = 0; j < cols; j++) {
                    double vj = v.getDouble(base + j), yj = y.getDouble(base + j);
                    double d = !log ? yj * (vj - dot) : reverse ? vj - Math.exp(yj) * dot : vj - dot;
                    dst.setDouble(base + j, d);
                }
            }
        }

        @Override
        void backward(Var out, Var x, Tensor s) {
            apply(out, out.grad, s, true);
        }

        @Override
        void tangent(Var out) {
            apply(out, out.input(0).tangent, out.tangentBuffer(), false);
        }

        @Override
        long forwardOps(Var out) {
            // max (compare, select), subtract, exp, add per element; then softmax divides, log-softmax
            // subtracts per element after one log and one add per row.
            long n = out.size();
            return log ? 6 * n + 2L * rows(out) : 6 * n;
        }

        @Override
        long backwardOps(Var out) {
            // softmax: multiply-add for the dot, subtract, multiply; log-softmax: add, exp, multiply, subtract
            return 4 * out.size();
        }

        @Override
        long tangentOps(Var out) {
            return 4 * out.size();
        }
    }
}
