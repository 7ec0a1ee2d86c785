package dev.inertia.autodiff;

import dev.inertia.kernels.Epilogue;
import dev.inertia.memory.DType;
import dev.inertia.memory.Tensor;
import java.util.Arrays;

/**
 * The fully connected layer as one op: {@code z = x · Wᵀ + b} for {@code x [N, in]},
 * {@code W [out, in]} (PyTorch's layout, read transposed in place) and an optional {@code b
 * [out]}, optionally followed by {@code y = relu(z)}.
 *
 * <p><b>Forward.</b> One GEMM whose epilogue adds the bias as each tile of the product is stored. With
 * the ReLU the op keeps {@code z} and writes {@code y} in one streaming pass: the reverse rule
 * needs the pre-activation itself, because ReLU'(0) is a policy ({@link Kinks#reluAtZero()}) and
 * kink hits are counted where {@code z == 0} exactly, which {@code y = max(z, 0)} cannot tell
 * apart from {@code z < 0}.
 *
 * <p><b>Reverse.</b> {@code dz = dy · relu'(z)} (the relu derivative kernel, counting the kinks),
 * then every product writes straight into its gradient buffer: {@code dW = dzᵀ · x} and
 * {@code dx = dz · W} with beta 0 on the gradient's first contribution of the sweep and beta 1
 * after, {@code db} the column sums of {@code dz}. Without the ReLU, {@code dz} is {@code dy}.
 *
 * <p>The values and gradients are those of {@code x.matmul(W, false, true).addBias(b).relu()}
 * bit for bit, the rounding being the same operations in the same order. Under an emulated
 * precision the unfused ops are recorded instead: they round the product before the bias is
 * added, as the precision's definition asks.
 */
final class Affine {
    private Affine() {}

    static Var apply(Var x, Var w, Var b, Kinks relu) {
        check(x, w, b);
        Tape tape = x.tape;
        if (emulates(tape, x.dtype())) {
            Var y = x.matmul(w, false, true);
            y = b == null ? y : y.addBias(b);
            return relu == null ? y : y.relu(relu);
        }
        int n = x.shape[0], in = x.shape[1], out = w.shape[0];
        AffineRule rule = tape.reusableRule(AffineRule.class);
        if (rule == null) {
            rule = new AffineRule();
        }
        Tensor z = tape.buffer(x.dtype(), n, out);
        Kern.gemm(false, true, n, out, in, 1, x.value, 0, in, w.value, 0, in, 0, z, 0, out, rule.epilogue(b));
        Tensor y = z;
        if (relu != null) {
            y = tape.buffer(x.dtype(), n, out);
            Kern.relu(z, y);
        }
        rule.set(n, in, out, z, relu == null ? Double.NaN : relu.reluAtZero());
        return tape.record(y, rule, x, w, b);
    }

    private static boolean emulates(Tape tape, DType dtype) {
        Precision p = tape.precision();
        return p != null && p != Precision.FP64 && !(p == Precision.FP32 && dtype == DType.F32);
    }

    private static void check(Var x, Var w, Var b) {
        if (x.shape.length != 2 || w.shape.length != 2 || x.shape[1] != w.shape[1]) {
            throw new IllegalArgumentException("linear needs x [N, in] and weight [out, in], got "
                    + Arrays.toString(x.shape) + " and " + Arrays.toString(w.shape));
        }
        if (b != null && (b.shape.length != 1 || b.shape[0] != w.shape[0])) {
            throw new IllegalArgumentException("linear: bias must be [" + w.shape[0] + "], got "
                    + Arrays.toString(b.shape));
        }
        if (w.dtype() != x.dtype() || b != null && b.dtype() != x.dtype()) {
            throw new IllegalArgumentException("linear: operands must share the dtype " + x.dtype());
        }
        if (w.tape != x.tape || b != null && b.tape != x.tape) {
            throw new IllegalArgumentException("linear: operands belong to different tapes");
        }
    }

    /** Reconfigured by {@link #set} when the tape recycles it (see {@link Tape#reusableRule}). */
    private static final class AffineRule extends Rule {
        private int n, in, out;
        /** The pre-activation, kept for the ReLU's derivative (the value itself without a ReLU). */
        private Tensor z;
        /** ReLU'(0), or NaN for no ReLU. */
        private double atZero = Double.NaN;
        private Epilogue epilogue = Epilogue.NONE;
        private int[] shape;

        void set(int n, int in, int out, Tensor z, double atZero) {
            this.n = n;
            this.in = in;
            this.out = out;
            this.z = z;
            this.atZero = atZero;
            named(relu() ? "linearRelu" : "linear", relu());
            if (shape == null || shape[0] != n || shape[1] != out) {
                shape = new int[] {n, out};
            }
        }

        /** The epilogue adding {@code b}, kept while the bias is the same memory (epilogues are immutable). */
        Epilogue epilogue(Var b) {
            if (b == null) {
                epilogue = Epilogue.NONE;
            } else if (epilogue.biasSegment() != b.value.segment()) {
                epilogue = Epilogue.NONE.withColumnBias(b.value.segment(), 0);
            }
            return epilogue;
        }

        private boolean relu() {
            return !Double.isNaN(atZero);
        }

        @Override
        void backward(Var y) {
            Var x = y.input(0), w = y.input(1), b = y.input(2);
            Tensor dz = y.grad;
            if (relu()) {
                dz = y.tape.scratch(0, y.dtype(), shape);
                Kern.reluBackward(z, y.grad, dz, atZero, y.kinkCounts);
            }
            if (b != null && b.requiresGrad) {
                boolean acc = b.gradAccumulates();
                Kern.sumBias(dz, b.gradClaim(), n, out, 1, 1, acc);
            }
            if (w.requiresGrad) { // dW [out, in] = dzᵀ · x
                double beta = w.gradAccumulates() ? 1 : 0;
                Kern.gemm(true, false, out, in, n, 1, dz, 0, out, x.value, 0, in, beta, w.gradClaim(), 0, in);
            }
            if (x.requiresGrad) { // dx [N, in] = dz · W
                double beta = x.gradAccumulates() ? 1 : 0;
                Kern.gemm(false, false, n, in, out, 1, dz, 0, out, w.value, 0, in, beta, x.gradClaim(), 0, in);
            }
        }

        @Override
        void tangent(Var y) {
            Var x = y.input(0), w = y.input(1), b = y.input(2);
            Tensor t = y.tangentBuffer();
            double beta = 0;
            if (x.tangent != null) {
                Kern.gemm(false, true, n, out, in, 1, x.tangent, 0, in, w.value, 0, in, 0, t, 0, out);
                beta = 1;
            }
            if (w.tangent != null) {
                Kern.gemm(false, true, n, out, in, 1, x.value, 0, in, w.tangent, 0, in, beta, t, 0, out);
                beta = 1;
            }
            if (beta == 0) {
                Kern.fill(0, t);
            }
            if (b != null && b.tangent != null) {
                Kern.broadcast(Kern.Bc.ADD, t, b.tangent, t, n, out, 1);
            }
            if (relu()) {
                Kern.reluBackward(z, t, t, atZero, y.kinkCounts);
            }
        }

        /** x's k tangent blocks stacked as rows ({@code [k·N, in]}) go through one GEMM with Wᵀ. */
        @Override
        void tangents(Var y, int k) {
            Tensor t = linearTangents(y, k);
            if (relu()) {
                for (int j = 0; j < k; j++) {
                    Tensor row = y.row(t, j);
                    Kern.reluBackward(z, row, row, atZero, y.kinkCounts);
                }
            }
        }

        /** The ReLU's kinks resolved lexicographically along the k directions. */
        @Override
        void lexTangents(Var y, int k) {
            Tensor t = linearTangents(y, k);
            if (relu()) {
                Lexicographic.apply(z, t, t, k, Lexicographic.RELU, y.kinkCounts);
            }
        }

        /** The k-direction tangent block of {@code x · Wᵀ + b}, before the ReLU. */
        private Tensor linearTangents(Var y, int k) {
            Var x = y.input(0), w = y.input(1), b = y.input(2);
            Tensor t = y.tangentsBuffer(k);
            long slab = (long) n * out;
            double beta = 0;
            if (x.tangents != null) {
                Kern.gemm(false, true, k * n, out, in, 1, x.tangents, 0, in, w.value, 0, in, 0, t, 0, out);
                beta = 1;
            }
            if (w.tangents != null) {
                for (int j = 0; j < k; j++) {
                    Kern.gemm(false, true, n, out, in, 1, x.value, 0, in, w.tangents, j * w.size(), in, beta, t,
                            j * slab, out);
                }
                beta = 1;
            }
            if (beta == 0) {
                Kern.fill(0, t);
            }
            if (b != null && b.tangents != null) {
                for (int j = 0; j < k; j++) {
                    Tensor row = y.row(t, j);
                    Kern.broadcast(Kern.Bc.ADD, row, b.tangentRow(j), row, n, out, 1);
                }
            }
            return t;
        }

        private long product() {
            return 2L * n * in * out;
        }

        private long elements() {
            return (long) n * out;
        }

        @Override
        long forwardOps(Var y) {
            // As the unfused ops: matmul, bias addition, relu (compare + select).
            return product() + (y.input(2) != null ? elements() : 0) + (relu() ? 2 * elements() : 0);
        }

        @Override
        long backwardOps(Var y) {
            Var x = y.input(0), w = y.input(1), b = y.input(2);
            long ops = relu() ? 5 * elements() : 0;
            if (b != null && b.requiresGrad) {
                ops += elements();
            }
            return ops + (w.requiresGrad ? product() : 0) + (x.requiresGrad ? product() : 0);
        }

        @Override
        long tangentOps(Var y) {
            Var x = y.input(0), w = y.input(1), b = y.input(2);
            boolean both = x.requiresGrad && w.requiresGrad;
            long ops = both ? 2 * product() + elements() : product();
            if (b != null && b.requiresGrad) {
                ops += elements();
            }
            return ops + (relu() ? 5 * elements() : 0);
        }
    }
}
