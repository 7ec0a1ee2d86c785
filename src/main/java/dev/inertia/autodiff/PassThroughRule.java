package dev.inertia.autodiff;

/**
 * The rule of a one-input op whose derivative is the identity on the same elements ({@code x + c},
 * a reshape): the output's gradient is added to the input's as it is, or taken as its alias
 * ({@link Var#gradAlias}) when it is the input's first contribution, at no counted cost.
 */
abstract class PassThroughRule extends Rule {
    PassThroughRule(String name) {
        super(name);
    }

    @Override
    final void backward(Var out) {
        Var x = out.input(0);
        if (!x.gradAlias(out.grad)) {
            Kern.add(x.grad, out.grad, x.grad);
        }
    }

    @Override
    final long backwardOps(Var out) {
        return 0;
    }

    @Override
    final long tangentOps(Var out) {
        return 0;
    }
}
