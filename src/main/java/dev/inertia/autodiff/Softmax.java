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
        int cols = x.shape[x.shape.length - 1];
        int rows = cols == 0 ? 0 : (int) (x.size() / cols);
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
        SoftmaxRule rule = x.tape.reusableRule(SoftmaxRule.class);
        return x.tape.record(out, (rule == null ? new SoftmaxRule() : rule).set(log, rows, cols), x);
    }

    /** Reconfigured by {@link #set} when the tape recycles it (see {@link Tape#reusableRule}). */
    private static final class SoftmaxRule extends UnaryRule {
        private boolean log;
        private int rows, cols;

        SoftmaxRule set(boolean log, int rows, int cols) {
            this.log = log;
            this.rows = rows;
            this.cols = cols;
            return this;
        }

        @Override
        String name() {
            return log ? "logSoftmax" : "softmax";
        }

        /**
         * The Jacobian-vector product of one row (it is symmetric for softmax, and its transpose
         * for log-softmax only swaps which side the softmax weights): {@code v} a gradient when
         * {@code reverse}, a tangent otherwise.
         */
        private void apply(Tensor y, Tensor v, Tensor dst, boolean reverse) {
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
            apply(out.value, out.grad, s, true);
        }

        @Override
        void tangent(Var out) {
            apply(out.value, out.input(0).tangent, out.tangentBuffer(), false);
        }

        @Override
        long forwardOps(Var out) {
            // max (compare, select), subtract, exp, add per element; then softmax divides, log-softmax
            // subtracts per element after one log and one add per row.
            long n = out.size();
            return log ? 6 * n + 2L * rows : 6 * n;
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
