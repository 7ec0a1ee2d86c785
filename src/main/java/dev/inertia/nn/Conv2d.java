package dev.inertia.nn;

import dev.inertia.autodiff.Var;
import dev.inertia.memory.DType;
import dev.inertia.memory.Scope;
import java.util.random.RandomGenerator;

/**
 * 2-D convolution (cross-correlation) of {@code x [N, C, H, W]} with {@code weight [O, C, k, k]}
 * and {@code bias [O]}, square kernel, the same stride and zero padding on both axes; lowered to
 * GEMM by the tape's conv2d op. Names and layout as {@code torch.nn.Conv2d}.
 */
public final class Conv2d extends Weighted {
    private final int stride, padding;

    /** Stride 1, with a bias. */
    public Conv2d(Scope scope, DType dtype, int in, int out, int kernel, int padding, RandomGenerator random) {
        this(scope, dtype, in, out, kernel, 1, padding, true, random);
    }

    public Conv2d(Scope scope, DType dtype, int in, int out, int kernel, int stride, int padding, boolean withBias,
            RandomGenerator random) {
        if (in < 1 || out < 1 || kernel < 1 || stride < 1 || padding < 0) {
            throw new IllegalArgumentException("Conv2d needs positive channels, kernel and stride and padding >= 0,"
                    + " got in=" + in + " out=" + out + " kernel=" + kernel + " stride=" + stride + " padding="
                    + padding);
        }
        this.stride = stride;
        this.padding = padding;
        int fanIn = in * kernel * kernel;
        registerDefault(scope, dtype, fanIn, random, withBias, out, in, kernel, kernel);
    }

    /** Input channels. */
    public int in() {
        return weight().value().dim(1);
    }

    /** Output channels. */
    public int out() {
        return weight().value().dim(0);
    }

    /** The side of the square kernel. */
    public int kernel() {
        return weight().value().dim(2);
    }

    public int stride() {
        return stride;
    }

    /** Zero padding on each side of both axes. */
    public int padding() {
        return padding;
    }

    @Override
    public Var forward(Var x) {
        return x.conv2d(weightOn(x), biasOn(x), stride, padding);
    }

    @Override
    protected String describe() {
        return "Conv2d(" + in() + ", " + out() + ", kernel_size=" + kernel() + ", stride=" + stride + ", padding="
                + padding + biasFlag() + ")";
    }
}
