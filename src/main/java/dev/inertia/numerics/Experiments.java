package dev.inertia.numerics;

import dev.inertia.autodiff.Var;
import dev.inertia.data.Batcher;
import dev.inertia.kernels.Kernels;
import dev.inertia.memory.DType;
import dev.inertia.memory.Tensor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Random;

/**
 * What the reliability experiments share: initialization, the batches of an epoch, inputs in the
 * storage dtype, SGD, bitwise comparison.
 */
final class Experiments {
    private Experiments() {}

    /** Weights and biases uniform in ±1/sqrt(fanIn): PyTorch's default for Linear and Conv2d. */
    static void pytorchDefault(Tensor weight, Tensor bias, int fanIn, Random random) {
        double bound = 1 / Math.sqrt(fanIn);
        for (Tensor t : new Tensor[] {weight, bias}) {
            for (long i = 0; i < t.size(); i++) {
                t.setDouble(i, (random.nextDouble() * 2 - 1) * bound);
            }
        }
    }

    /**
     * Moves {@code batcher} to batch {@code b} of the epoch and copies its labels: false when the
     * epoch is over or cut short after {@code maxBatches} (0: never cut).
     */
    static boolean nextBatch(Batcher batcher, int b, int maxBatches, int[] labels) {
        if ((maxBatches != 0 && b >= maxBatches) || !batcher.next()) {
            return false;
        }
        batcher.copyLabels(labels);
        return true;
    }

    /**
     * A batch of F32 images in the storage dtype: themselves when {@code wide} is null (F32
     * storage), else widened into {@code wide} (an F64 tensor of the full batch's shape).
     */
    static Tensor inStorage(Tensor images, Tensor wide) {
        if (wide == null) {
            return images;
        }
        MemorySegment src = images.segment(), dst = wide.segment();
        for (long i = 0, n = images.size(); i < n; i++) {
            dst.setAtIndex(ValueLayout.JAVA_DOUBLE, i, src.getAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, i));
        }
        return images.size() == wide.size() ? wide : Tensor.wrap(dst, DType.F64, images.shape());
    }

    /** w -= lr · grad for every param (a precision-emulating tape rounds w when it is registered next). */
    static void sgdStep(Var[] params, double lr) {
        for (Var p : params) {
            Tensor w = p.value(), g = p.grad();
            int n = Math.toIntExact(w.size());
            if (w.dtype() == DType.F64) {
                Kernels.elementwise().axpyF64(-lr, g.segment(), 0, w.segment(), 0, n);
            } else {
                Kernels.elementwise().axpyF32((float) -lr, g.segment(), 0, w.segment(), 0, n);
            }
        }
    }

    static boolean bitwiseEqual(Tensor a, Tensor b) {
        long bytes = a.size() * a.dtype().byteSize();
        return a.dtype() == b.dtype() && a.size() == b.size()
                && a.segment().asSlice(0, bytes).mismatch(b.segment().asSlice(0, bytes)) == -1;
    }

    /** ||a - b||_∞ over every pair of gradients of the two copies' params (same order): NaN as below. */
    static double maxAbsDifference(Var[] a, Var[] b) {
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            double d = maxAbsDifference(a[i].grad(), b[i].grad());
            if (Double.isNaN(d)) {
                return Double.NaN;
            }
            max = Math.max(max, d);
        }
        return max;
    }

    /** The largest |a_i - b_i|, NaN when one of them holds a NaN (infinite when only one is infinite). */
    static double maxAbsDifference(Tensor a, Tensor b) {
        double max = 0;
        for (long i = 0, n = a.size(); i < n; i++) {
            double x = a.getDouble(i), y = b.getDouble(i);
            if (x == y) {
                continue;
            }
            double d = Math.abs(x - y);
            if (Double.isNaN(d)) {
                return Double.NaN;
            }
            max = Math.max(max, d);
        }
        return max;
    }
}
