package dev.inertia.autodiff;

import dev.inertia.memory.Tensor;

/**
 * The rule of a one-input op whose reverse rule writes its whole contribution to the input's
 * gradient at once: the sink-and-commit protocol of {@link Var#gradSink} in one place (the
 * sink is the input's gradient itself on its first contribution of a sweep, else a scratch
 * buffer added to it afterwards).
 */
abstract class UnaryRule extends Rule {
    UnaryRule(String name, boolean kinks) {
        super(name, kinks);
    }

    UnaryRule(String name) {
        super(name);
    }

    /** See {@link Rule#Rule()}. */
    UnaryRule() {}

    @Override
    final void backward(Var out) {
        Var x = out.input(0);
        Tensor dx = x.gradSink(0);
        backward(out, x, dx);
        x.gradCommit(dx);
    }

    /** Writes x's gradient contribution, given {@code out.grad}, into every element of {@code dx}. */
    abstract void backward(Var out, Var x, Tensor dx);
}
