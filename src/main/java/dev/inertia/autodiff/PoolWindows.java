package dev.inertia.autodiff;

import dev.inertia.kernels.Window2d;
import dev.inertia.memory.Tensor;
import java.util.Arrays;

/** The argument checks and the window of the k×k poolings ({@link Pooling}, {@link AvgPooling}). */
final class PoolWindows {
    private PoolWindows() {}

    /** Throws unless {@code x} is {@code [N, C, H, W]}; {@code name} is the op's. */
    static void requireNchw(Var x, String name) {
        if (x.shape.length != 4) {
            throw new IllegalArgumentException(name + " needs [N, C, H, W], got " + Arrays.toString(x.shape));
        }
    }

    /** Throws unless a k×k pooling named {@code name} applies to {@code x} with this padding. */
    static void requirePooling(Var x, int k, int padding, String name) {
        requireNchw(x, name);
        if (padding * 2 > k) {
            throw new IllegalArgumentException(name + ": padding " + padding + " exceeds half the kernel " + k);
        }
    }

    /** The planes (images × channels) of an {@code [N, C, H, W]} value. */
    static int planes(Tensor nchw) {
        return nchw.dim(0) * nchw.dim(1);
    }

    /**
     * The window of a k×k pooling of the {@code [N, C, H, W]} value {@code x}: {@code previous} (a
     * recycled rule's, or null) when it is that window, else a new one.
     */
    static Window2d square(Window2d previous, Var x, int k, int stride, int padding) {
        Window2d g = previous;
        return g != null && g.h() == x.shape[2] && g.w() == x.shape[3] && g.kh() == k && g.kw() == k
                && g.sh() == stride && g.sw() == stride && g.ph() == padding && g.pw() == padding
                ? g : Window2d.square(x.shape[2], x.shape[3], k, stride, padding);
    }
}
