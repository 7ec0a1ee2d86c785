package dev.inertia.autodiff;

import dev.inertia.memory.Tensor;

/** sum and mean of all elements: forward, reverse (a broadcast fill) and tangent rules. */
final class Reductions {
    private Reductions() {}

    static Var sum(Var x, boolean mean) {
        Tensor out = x.tape.buffer(x.dtype(), new int[0]);
        double s = Kern.sum(x.value);
        out.setDouble(0, mean ? s / x.size() : s);
        return x.tape.record(out, new SumRule(mean), x);
    }

    private static final class SumRule extends Rule {
        private final boolean mean;

        SumRule(boolean mean) {
            super(mean ? "mean" : "sum");
            this.mean = mean;
        }

        @Override
        void backward(Var out) {
            Var x = out.input(0);
            double g = out.grad.getDouble(0);
            Tensor s = x.gradSink(0);
            Kern.fill(mean ? g / x.size() : g, s);
            x.gradCommit(s);
        }

        @Override
        void tangent(Var out) {
            Var x = out.input(0);
            double s = Kern.sum(x.tangent);
            out.tangentBuffer().setDouble(0, mean ? s / x.size() : s);
        }

        @Override
        long forwardOps(Var out) {
            return out.input(0).size() + (mean ? 1 : 0);
        }

        @Override
        long backwardOps(Var out) {
            return mean ? 1 : 0;
        }

        @Override
        long tangentOps(Var out) {
            return forwardOps(out);
        }
    }
}
