package dev.inertia.nn;

import dev.inertia.autodiff.Var;

/** {@code [N, ...]} to {@code [N, rest]} (a view: no copy). */
public final class Flatten extends Module {
    @Override
    public Var forward(Var x) {
        return x.flatten();
    }
}
