package dev.inertia.nn;

import dev.inertia.autodiff.Var;

/**
 * 2-D average pooling with a square window over {@code [N, C, H, W]}, as PyTorch's
 * {@code AvgPool2d} with its defaults: the padding counts as zeros in each window's mean
 * ({@code count_include_pad=True}) and partial windows at the end are dropped
 * ({@code ceil_mode=False}). No kinks, no parameters.
 */
public final class AvgPool2d extends SquarePool2d {
    /** Window {@code kernel}, stride {@code kernel}, no padding. */
    public AvgPool2d(int kernel) {
        this(kernel, kernel, 0);
    }

    /** {@code padding} at most {@code kernel / 2}, as PyTorch requires. */
    public AvgPool2d(int kernel, int stride, int padding) {
        super(kernel, stride, padding);
        if (kernel < 1 || stride < 1 || padding < 0 || 2 * padding > kernel) {
            throw new IllegalArgumentException("AvgPool2d needs kernel, stride >= 1 and 0 <= padding <= kernel / 2, got "
                    + kernel + ", " + stride + ", " + padding);
        }
    }

    @Override
    public Var forward(Var x) {
        return x.avgPool2d(kernel, stride, padding);
    }
}
