package dev.inertia.nn;

import dev.inertia.autodiff.Var;

/** softmax over the last axis (PyTorch's {@code Softmax(dim=-1)}), numerically stable; no parameters. */
public final class Softmax extends Module {
    @Override
    public Var forward(Var x) {
        return x.softmax();
    }

    @Override
    protected String describe() {
        return "Softmax(dim=-1)";
    }
}
