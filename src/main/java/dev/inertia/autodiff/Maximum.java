package dev.inertia.autodiff;

import dev.inertia.memory.Tensor;
import java.util.Arrays;

/**
 * The elementwise maximum of two values and the max reduction (over everything or along one
 * axis), with the tie policies of {@link Kinks}; ties are counted by the derivative kernels.
 */
final class Maximum {
    private Maximum() {}

    static Var elementwise(Var a, Var b, Kinks k) {
        if (!a.sameShape(b) || a.dtype() != b.dtype()) {
            throw new IllegalArgumentException("max: operands must have the same dtype and shape, got "
                    + a.value.describe() + " and " + b.value.describe());
        }
        Tensor out = a.tape.buffer(a.dtype(), a.shape);
        Kern.max(a.value, b.value, out);
        return a.tape.record(out, new MaxRule(k.maximum().firstWeight()), a, b);
    }

    private static final class MaxRule extends Rule {
        private final double tieFirst;

        MaxRule(double tieFirst) {
            super("max", true);
            this.tieFirst = tieFirst;
        }

        @Override
        void backward(Var out) {
            Var a = out.input(0), b = out.input(1);
            Tensor sa = a.gradSinkIfRequired(0), sb = b.gradSinkIfRequired(1);
            Kern.maxBackward(a.value, b.value, out.grad, sa, sb, tieFirst, out.kinkCounts);
            a.gradCommit(sa);
            b.gradCommit(sb);
        }

        @Override
        void tangent(Var out) {
            Var a = out.input(0), b = out.input(1);
            Kern.maxTangent(a.value, b.value, a.tangent, b.tangent, out.tangentBuffer(), tieFirst, out.kinkCounts);
        }

        @Override
        void lexTangents(Var out, int k) {
            Var a = out.input(0), b = out.input(1);
            Lexicographic.maximum(a.value, b.value, a.tangents, b.tangents, out.tangentsBuffer(k), k, out.kinkCounts);
        }

        @Override
        long forwardOps(Var out) {
            return 2 * out.size();
        }

        @Override
        long backwardOps(Var out) {
            // three comparisons, then per wanted argument two selections and a multiply
            int wanted = (out.input(0).requiresGrad ? 1 : 0) + (out.input(1).requiresGrad ? 1 : 0);
            return (3 + 3L * wanted) * out.size();
        }

        @Override
        long tangentOps(Var out) {
            int active = (out.input(0).requiresGrad ? 1 : 0) + (out.input(1).requiresGrad ? 1 : 0);
            return (3 + 3L * active + (active == 2 ? 1 : 0)) * out.size();
        }
    }

    /** axis -1: over all elements (a scalar); else along {@code axis}, which leaves the shape. */
    static Var reduce(Var x, int axis, Kinks k) {
        int outer, n, inner;
        int[] outShape;
        if (axis == -1) {
            outer = 1;
            n = (int) x.size();
            inner = 1;
            outShape = new int[0];
        } else {
            if (axis < 0 || axis >= x.shape.length) {
                throw new IllegalArgumentException("max: axis " + axis + " out of range for shape "
                        + Arrays.toString(x.shape));
            }
            outer = 1;
            for (int i = 0; i < axis; i++) {
                outer *= x.shape[i];
            }
            n = x.shape[axis];
            inner = (int) (x.size() / ((long) outer * n));
            outShape = new int[x.shape.length - 1];
            for (int i = 0, j = 0; i < x.shape.length; i++) {
                if (i != axis) {
                    outShape[j++] = x.shape[i];
                }
            }
        }
        if (n == 0) {
            throw new IllegalArgumentException("max of an empty axis in shape " + Arrays.toString(x.shape));
        }
        Tensor out = x.tape.buffer(x.dtype(), outShape);
        Kern.maxReduce(x.value, out, outer, n, inner);
        double beta = axis == -1 ? k.maxReduce().beta() : k.maxDim().beta();
        return x.tape.record(out, new ReduceRule(outer, n, inner, beta), x);
    }

    private static final class ReduceRule extends UnaryRule {
        private final int outer, n, inner;
        private final double beta;

        ReduceRule(int outer, int n, int inner, double beta) {
            super("maxReduce", true);
            this.outer = outer;
            this.n = n;
            this.inner = inner;
            this.beta = beta;
        }

        @Override
        void backward(Var out, Var x, Tensor s) {
            Kern.maxReduceBackward(x.value, out.grad, s, outer, n, inner, beta, out.kinkCounts);
        }

        @Override
        void tangent(Var out) {
            Var x = out.input(0);
            Kern.maxReduceTangent(x.value, x.tangent, out.tangentBuffer(), outer, n, inner, beta, out.kinkCounts);
        }

        @Override
        void lexTangents(Var out, int k) {
            Var x = out.input(0);
            Lexicographic.maxReduce(x.value, x.tangents, out.tangentsBuffer(k), k, outer, n, inner, out.kinkCounts);
        }

        @Override
        long forwardOps(Var out) {
            return 2 * out.input(0).size();
        }

        @Override
        long backwardOps(Var out) {
            // rescan (compare) and scatter (select) every input; one multiply per window
            return 3 * out.input(0).size() + out.size();
        }

        @Override
        long tangentOps(Var out) {
            return backwardOps(out);
        }
    }
}
