package dev.inertia.nn;

/**
 * What {@link MaxPool2d} and {@link AvgPool2d} share: a square window, the same stride and padding on
 * both axes, no parameters, and PyTorch's way of printing them.
 */
abstract class SquarePool2d extends Module {
    final int kernel, stride, padding;

    /** The values as checked by the subclass. */
    SquarePool2d(int kernel, int stride, int padding) {
        this.kernel = kernel;
        this.stride = stride;
        this.padding = padding;
    }

    /** The side of the square window. */
    public final int kernel() {
        return kernel;
    }

    public final int stride() {
        return stride;
    }

    /** Implicit padding on each side of both axes (zeros in a mean, never a maximum). */
    public final int padding() {
        return padding;
    }

    @Override
    protected final String describe() {
        return getClass().getSimpleName() + "(kernel_size=" + kernel + ", stride=" + stride + ", padding=" + padding
                + ")";
    }
}
