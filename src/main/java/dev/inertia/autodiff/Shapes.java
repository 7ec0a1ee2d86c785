package dev.inertia.autodiff;

import dev.inertia.memory.Tensor;
import java.util.Arrays;

/** reshape / flatten: a view of the same memory, and so are the gradient and the tangent. */
final class Shapes {
    private Shapes() {}

    static Var reshape(Var x, int... newShape) {
        long size = 1;
        for (int d : newShape) {
            if (d < 0) {
                throw new IllegalArgumentException("reshape: negative dimension in " + Arrays.toString(newShape));
            }
            size *= d;
        }
        if (size != x.size()) {
            throw new IllegalArgumentException("reshape: " + Arrays.toString(x.shape) + " has " + x.size()
                    + " elements, " + Arrays.toString(newShape) + " has " + size);
        }
        // A recycled node keeps its view when it is still one of x's memory with this shape.
        ReshapeRule rule = x.tape.reusableRule(ReshapeRule.class);
        Tensor previous = rule == null ? null : x.tape.reusableValue();
        Tensor view = previous != null && previous.segment() == x.value.segment()
                && Var.sameLayout(previous, x.dtype(), newShape) ? previous : x.value.reshape(newShape);
        return x.tape.record(view, rule == null ? new ReshapeRule() : rule, x);
    }

    private static final class ReshapeRule extends PassThroughRule {
        ReshapeRule() {
            super("reshape");
        }

        @Override
        void tangent(Var out) {
            out.tangent = out.input(0).tangent.reshape(out.shape);
        }

        @Override
        long forwardOps(Var out) {
            return 0;
        }
    }
}
