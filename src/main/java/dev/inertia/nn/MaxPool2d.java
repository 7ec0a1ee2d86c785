package dev.inertia.nn;

import dev.inertia.autodiff.Kinks;
import dev.inertia.autodiff.Var;

/**
 * 2-D max pooling with a square window. Ties inside a window follow {@link Kinks#maxPool()} of
 * the tape's policy, or of the policy given to this layer.
 */
public final class MaxPool2d extends SquarePool2d {
    private final Kinks kinks;

    /** Window {@code kernel}, stride {@code kernel}, no padding, the tape's tie policy. */
    public MaxPool2d(int kernel) {
        this(kernel, kernel, 0, null);
    }

    /** {@code kinks} null means the tape's policy. */
    public MaxPool2d(int kernel, int stride, int padding, Kinks kinks) {
        super(kernel, stride, padding);
        if (kernel < 1 || stride < 1 || padding < 0) {
            throw new IllegalArgumentException("MaxPool2d needs kernel, stride >= 1 and padding >= 0, got " + kernel
                    + ", " + stride + ", " + padding);
        }
        this.kinks = kinks;
    }

    @Override
    public Var forward(Var x) {
        return kinks == null ? x.maxPool2d(kernel, stride, padding) : x.maxPool2d(kernel, stride, padding, kinks);
    }
}
