package dev.inertia.nn;

import dev.inertia.autodiff.Var;

/**
 * The mean of each channel's plane, {@code [N, C, H, W] -> [N, C]}: PyTorch's
 * {@code AdaptiveAvgPool2d(1)} followed by {@code Flatten()}, so a classifier head can follow
 * directly. No parameters.
 */
public final class GlobalAvgPool2d extends Module {
    @Override
    public Var forward(Var x) {
        return x.globalAvgPool2d();
    }

    @Override
    protected String describe() {
        return "GlobalAvgPool2d()";
    }
}
