package dev.inertia.autodiff;

import dev.inertia.memory.DType;
import dev.inertia.memory.Tensor;
import java.util.Arrays;

/**
 * Layer normalization over the last axis with an elementwise affine map (PyTorch's
 * {@code LayerNorm}): per row, {@code xhat = (x - mean) / sqrt(var + eps)} with the biased
 * variance, {@code y = gamma · xhat + beta}. The row mean and 1/sqrt(var + eps) are kept for the
 * rules; with {@code u = gamma · dy} (reverse) or {@code u = tx} (tangent) both read the same
 * projection {@code invstd · (u - mean(u) - xhat · mean(u · xhat))}, symmetric in its argument.
 */
final class LayerNorm {
    private LayerNorm() {}

    static Var apply(Var x, Var gamma, Var beta, double eps) {
        if (x.shape.length < 1) {
            throw new IllegalArgumentException("layerNorm needs at least one axis, got a scalar");
        }
        int cols = x.shape[x.shape.length - 1];
        for (Var p : new Var[] {gamma, beta}) {
            if (p.shape.length != 1 || p.shape[0] != cols || p.dtype() != x.dtype()) {
                throw new IllegalArgumentException("layerNorm: gamma and beta must be " + x.dtype() + "[" + cols
                        + "] for " + Arrays.toString(x.shape) + ", got " + p.value.describe());
            }
        }
        if (!(eps > 0)) {
            throw new IllegalArgumentException("layerNorm: eps must be positive, got " + eps);
        }
        int rows = cols == 0 ? 0 : (int) (x.size() / cols);
        Tensor y = x.tape.buffer(x.dtype(), x.shape);
        // Row means, then row 1/sqrt(var + eps), in F64 whatever the dtype: statistics, never rounded.
        Tensor stats = x.tape.buffer(DType.F64, 2, rows);
        Tensor xv = x.value, g = gamma.value, b = beta.value;
        for (int r = 0; r < rows; r++) {
            long base = (long) r * cols;
            double m = 0;
            for (int j = 0; j < cols; j++) {
                m += xv.getDouble(base + j);
            }
            m /= cols;
            double v = 0;
            for (int j = 0; j < cols; j++) {
                double d = xv.getDouble(base + j) - m;
                v += d * d;
            }
            double s = 1 / Math.sqrt(v / cols + eps);
            stats.setDouble(r, m);
            stats.setDouble(rows + r, s);
            for (int j = 0; j < cols; j++) {
                y.setDouble(base + j, g.getDouble(j) * ((xv.getDouble(base + j) - m) * s) + b.getDouble(j));
            }
        }
        return x.tape.record(y, x.tape.rule(NormRule.class, NormRule::new).set(stats), x, gamma, beta);
    }

    /** Reconfigured by {@link #set} when the tape recycles it (see {@link Tape#reusableRule}). */
    private static final class NormRule extends Rule {
        /** [2, rows]: the row means, then the rows' 1/sqrt(var + eps). */
        private Tensor stats;

        NormRule() {
            super("layerNorm");
        }

        NormRule set(Tensor stats) {
            this.stats = stats;
            return this;
        }

        private int rows() {
            return stats.dim(1);
        }

        private double invstd(int r) {
            return stats.getDouble(rows() + r);
        }

        private double xhat(Tensor x, int r, long at) {
            return (x.getDouble(at) - stats.getDouble(r)) * invstd(r);
        }

        @Override
        void backward(Var out) {
            Var x = out.input(0), gamma = out.input(1), beta = out.input(2);
            Tensor xv = x.value, g = gamma.value, dy = out.grad;
            int rows = rows(), cols = g.dim(0);
            if (x.requiresGrad) {
                Tensor dx = x.gradSink(0);
                for (int r = 0; r < rows; r++) {
                    long base = (long) r * cols;
                    double su = 0, sux = 0;
                    for (int j = 0; j < cols; j++) {
                        double u = dy.getDouble(base + j) * g.getDouble(j);
                        su += u;
                        sux += u * xhat(xv, r, base + j);
                    }
                    double mu = su / cols, mux = sux / cols, s = invstd(r);
                    for (int j = 0; j < cols; j++) {
                        double u = dy.getDouble(base + j) * g.getDouble(j);
                        dx.setDouble(base + j, s * (u - mu - xhat(xv, r, base + j) * mux));
                    }
                }
                x.gradCommit(dx);
            }
            if (gamma.requiresGrad) {
                Tensor dg = gamma.gradSink(1);
                columnSums(dy, xv, true, dg, rows, cols);
                gamma.gradCommit(dg);
            }
            if (beta.requiresGrad) {
                Tensor db = beta.gradSink(2);
                columnSums(dy, xv, false, db, rows, cols);
                beta.gradCommit(db);
            }
        }

        /** dst[j] = the sum over rows of dy (times xhat when {@code byXhat}): dgamma, or dbeta. */
        private void columnSums(Tensor dy, Tensor xv, boolean byXhat, Tensor dst, int rows, int cols) {
            for (int j = 0; j < cols; j++) {
                double sum = 0;
                for (int r = 0; r < rows; r++) {
                    long at = (long) r * cols + j;
                    sum += byXhat ? dy.getDouble(at) * xhat(xv, r, at) : dy.getDouble(at);
                }
                dst.setDouble(j, sum);
            }
        }

        @Override
        void tangent(Var out) {
            Var x = out.input(0), gamma = out.input(1), beta = out.input(2);
            Tensor xv = x.value, g = gamma.value, tx = x.tangent, tg = gamma.tangent, tb = beta.tangent;
            Tensor t = out.tangentBuffer();
            int rows = rows(), cols = g.dim(0);
            for (int r = 0; r < rows; r++) {
                long base = (long) r * cols;
                double mu = 0, mux = 0;
                if (tx != null) {
                    for (int j = 0; j < cols; j++) {
                        double u = tx.getDouble(base + j);
                        mu += u;
                        mux += u * xhat(xv, r, base + j);
                    }
                    mu /= cols;
                    mux /= cols;
                }
                double s = invstd(r);
                for (int j = 0; j < cols; j++) {
                    long at = base + j;
                    double xh = xhat(xv, r, at);
                    double v = tx == null ? 0 : g.getDouble(j) * s * (tx.getDouble(at) - mu - xh * mux);
                    if (tg != null) {
                        v += tg.getDouble(j) * xh;
                    }
                    if (tb != null) {
                        v += tb.getDouble(j);
                    }
                    t.setDouble(at, v);
                }
            }
        }

        @Override
        long forwardOps(Var out) {
            // mean: add; variance: subtract, square, add; y: subtract, multiply, multiply, add; plus
            // a divide, a divide, an add, a sqrt and a divide per row
            return 8 * out.size() + 5L * rows();
        }

        @Override
        long backwardOps(Var out) {
            long n = out.size();
            Var x = out.input(0), gamma = out.input(1), beta = out.input(2);
            // dx: u (1), xhat (2), two sums (3), then the projection (5); dgamma: xhat, multiply, add; dbeta: add
            return (x.requiresGrad ? 11 * n + 2L * rows() : 0) + (gamma.requiresGrad ? 4 * n : 0)
                    + (beta.requiresGrad ? n : 0);
        }

        @Override
        long tangentOps(Var out) {
            return backwardOps(out); // the same projection, with tx for u
        }
    }
}
