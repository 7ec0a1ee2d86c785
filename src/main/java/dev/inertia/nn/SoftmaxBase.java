package dev.inertia.nn;

import dev.inertia.autodiff.Var;

/** The shared part of {@link Softmax} and {@link LogSoftmax}: the last axis, no parameters. */
abstract class SoftmaxBase extends Module {
    private final boolean log;

    SoftmaxBase(boolean log) {
        this.log = log;
    }

    @Override
    public final Var forward(Var x) {
        return log ? x.logSoftmax() : x.softmax();
    }

    @Override
    protected final String describe() {
        return (log ? "LogSoftmax" : "Softmax") + "(dim=-1)";
    }
}
