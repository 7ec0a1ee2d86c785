package dev.inertia.kernels;

/**
 * The geometry of a sliding 2-D window over an {@code h × w} plane: kernel {@code kh × kw},
 * strides {@code sh, sw} and zero (convolution) or ignored (pooling) padding {@code ph, pw} on
 * each side. Shared by max pooling and by the convolution lowering (im2col / col2im).
 */
public record Window2d(int h, int w, int kh, int kw, int sh, int sw, int ph, int pw) {
    public Window2d {
        if (h < 1 || w < 1 || kh < 1 || kw < 1 || sh < 1 || sw < 1 || ph < 0 || pw < 0) {
            throw new IllegalArgumentException("invalid window: plane " + h + "x" + w + ", kernel " + kh + "x" + kw
                    + ", stride " + sh + "x" + sw + ", padding " + ph + "x" + pw);
        }
        if (h + 2 * ph < kh || w + 2 * pw < kw) {
            throw new IllegalArgumentException("kernel " + kh + "x" + kw + " is larger than the padded plane "
                    + (h + 2 * ph) + "x" + (w + 2 * pw));
        }
    }

    /** A square kernel with equal strides and paddings. */
    public static Window2d square(int h, int w, int k, int stride, int padding) {
        return new Window2d(h, w, k, k, stride, stride, padding, padding);
    }

    /** Output rows. */
    public int outH() {
        return (h + 2 * ph - kh) / sh + 1;
    }

    /** Output columns. */
    public int outW() {
        return (w + 2 * pw - kw) / sw + 1;
    }
}
