package dev.inertia.autodiff;

import dev.inertia.memory.Tensor;
import java.util.Arrays;

/**
 * {@code C = op(A) · op(B)} for rank-2 values, every product (forward, both adjoints, the
 * tangent) one GEMM call with the right transposes: no transposed copies are ever made.
 */
final class MatMul {
    private MatMul() {}

    static Var matmul(Var a, Var b, boolean ta, boolean tb) {
        if (a.shape.length != 2 || b.shape.length != 2) {
            throw new IllegalArgumentException("matmul needs rank-2 operands, got " + Arrays.toString(a.shape) + " and "
                    + Arrays.toString(b.shape));
        }
        if (a.dtype() != b.dtype()) {
            throw new IllegalArgumentException("matmul: dtypes differ, " + a.dtype() + " and " + b.dtype());
        }
        int m = ta ? a.shape[1] : a.shape[0], k = ta ? a.shape[0] : a.shape[1];
        int kb = tb ? b.shape[1] : b.shape[0], n = tb ? b.shape[0] : b.shape[1];
        if (k != kb) {
            throw new IllegalArgumentException("matmul: inner dimensions differ, " + describe(a, ta) + " · "
                    + describe(b, tb));
        }
        Tensor out = a.tape.buffer(a.dtype(), m, n);
        Kern.gemm(ta, tb, m, n, k, 1, a.value, 0, a.shape[1], b.value, 0, b.shape[1], 0, out, 0, n);
        return a.tape.record(out, a.tape.rule(MatMulRule.class, MatMulRule::new).set(ta, tb), a, b);
    }

    private static String describe(Var v, boolean t) {
        return (t ? "transpose of " : "") + Arrays.toString(v.shape);
    }

    /** Reconfigured by {@link #set} when the tape recycles it (see {@link Tape#reusableRule}). */
    private static final class MatMulRule extends Rule {
        private boolean ta, tb;

        MatMulRule() {
            super("matmul");
        }

        MatMulRule set(boolean ta, boolean tb) {
            this.ta = ta;
            this.tb = tb;
            return this;
        }

        /** The inner dimension of op(A) · op(B), A the first input. */
        private int k(Var a) {
            return ta ? a.shape[0] : a.shape[1];
        }

        @Override
        void backward(Var out) {
            Var a = out.input(0), b = out.input(1);
            Tensor dc = out.grad;
            int lda = a.shape[1], ldb = b.shape[1], m = out.shape[0], n = out.shape[1], k = k(a);
            if (a.requiresGrad) {
                double beta = a.gradAccumulates() ? 1 : 0;
                Tensor da = a.gradClaim();
                if (!ta) { // dA [m, k] = dC · op(B)ᵀ
                    Kern.gemm(false, !tb, m, k, n, 1, dc, 0, n, b.value, 0, ldb, beta, da, 0, lda);
                } else { // A stored [k, m]: dA = op(B) · dCᵀ
                    Kern.gemm(tb, true, k, m, n, 1, b.value, 0, ldb, dc, 0, n, beta, da, 0, lda);
                }
            }
            if (b.requiresGrad) {
                double beta = b.gradAccumulates() ? 1 : 0;
                Tensor db = b.gradClaim();
                if (!tb) { // dB [k, n] = op(A)ᵀ · dC
                    Kern.gemm(!ta, false, k, n, m, 1, a.value, 0, lda, dc, 0, n, beta, db, 0, ldb);
                } else { // B stored [n, k]: dB = dCᵀ · op(A)
                    Kern.gemm(true, ta, n, k, m, 1, dc, 0, n, a.value, 0, lda, beta, db, 0, ldb);
                }
            }
        }

        @Override
        void tangent(Var out) {
            Var a = out.input(0), b = out.input(1);
            Tensor t = out.tangentBuffer();
            int m = out.shape[0], n = out.shape[1], k = k(a);
            double beta = 0;
            if (a.tangent != null) {
                Kern.gemm(ta, tb, m, n, k, 1, a.tangent, 0, a.shape[1], b.value, 0, b.shape[1], 0, t, 0, n);
                beta = 1;
            }
            if (b.tangent != null) {
                Kern.gemm(ta, tb, m, n, k, 1, a.value, 0, a.shape[1], b.tangent, 0, b.shape[1], beta, t, 0, n);
            }
        }

        /**
         * With A not transposed, A's k tangent blocks stacked as rows ({@code [k·m, K]}) go
         * through one GEMM with B; B's tangents (and a transposed A's) take one product each.
         */
        @Override
        void tangents(Var out, int dirs) {
            Var a = out.input(0), b = out.input(1);
            Tensor t = out.tangentsBuffer(dirs);
            int m = out.shape[0], n = out.shape[1], k = k(a);
            long slab = (long) m * n, aSlab = a.size(), bSlab = b.size();
            double beta = 0;
            if (a.tangents != null && !ta) {
                Kern.gemm(false, tb, dirs * m, n, k, 1, a.tangents, 0, a.shape[1], b.value, 0, b.shape[1], 0, t, 0, n);
                beta = 1;
            } else if (a.tangents != null) {
                for (int j = 0; j < dirs; j++) {
                    Kern.gemm(ta, tb, m, n, k, 1, a.tangents, j * aSlab, a.shape[1], b.value, 0, b.shape[1], 0, t,
                            j * slab, n);
                }
                beta = 1;
            }
            if (b.tangents != null) {
                for (int j = 0; j < dirs; j++) {
                    Kern.gemm(ta, tb, m, n, k, 1, a.value, 0, a.shape[1], b.tangents, j * bSlab, b.shape[1], beta, t,
                            j * slab, n);
                }
            }
        }

        /** 2mnk: one multiply-add per term of the product. */
        private long product(Var out) {
            return 2 * out.size() * k(out.input(0));
        }

        @Override
        long forwardOps(Var out) {
            return product(out);
        }

        @Override
        long backwardOps(Var out) {
            return (out.input(0).requiresGrad ? product(out) : 0) + (out.input(1).requiresGrad ? product(out) : 0);
        }

        @Override
        long tangentOps(Var out) {
            boolean both = out.input(0).requiresGrad && out.input(1).requiresGrad;
            return both ? 2 * product(out) + out.size() : product(out);
        }
    }
}
