package dev.inertia.nn;

import dev.inertia.autodiff.Var;

/** min(max(x, -1), 1); the derivatives at ±1 from the tape's policy. */
public final class Hardtanh extends Module {
    @Override
    public Var forward(Var x) {
        return x.hardtanh();
    }
}
