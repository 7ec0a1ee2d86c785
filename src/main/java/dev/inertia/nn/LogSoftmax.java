package dev.inertia.nn;

import dev.inertia.autodiff.Var;

/** log-softmax over the last axis (PyTorch's {@code LogSoftmax(dim=-1)}), numerically stable; no parameters. */
public final class LogSoftmax extends Module {
    @Override
    public Var forward(Var x) {
        return x.logSoftmax();
    }

    @Override
    protected String describe() {
        return "LogSoftmax(dim=-1)";
    }
}
