package dev.inertia.kernels.scalar;

import dev.inertia.kernels.ActivationKernels;
import dev.inertia.kernels.BroadcastKernels;
import dev.inertia.kernels.ConvKernels;
import dev.inertia.kernels.DirectConvKernels;
import dev.inertia.kernels.ElementwiseKernels;
import dev.inertia.kernels.GemmKernels;
import dev.inertia.kernels.MathKernels;
import dev.inertia.kernels.NormKernels;
import dev.inertia.kernels.OptimizerKernels;
import dev.inertia.kernels.PoolingKernels;
import dev.inertia.kernels.PrecisionKernels;
import dev.inertia.kernels.ReductionKernels;
import dev.inertia.kernels.SoftmaxKernels;

/**
 * The scalar twins themselves, whatever {@code dev.inertia.kernels.Kernels} chose: the reference
 * the SIMD kernels are tested against bit for bit, and the fallback the SIMD kernels call for
 * shapes they do not vectorize. This package is not exported: users get the chosen kernels from
 * {@code Kernels}, and the twins only through it when SIMD is off.
 */
public final class ScalarKernels {
    private static final ElementwiseKernels ELEMENTWISE = new ScalarElementwise();
    private static final ReductionKernels REDUCTIONS = new ScalarReductions();
    private static final ActivationKernels ACTIVATIONS = new ScalarActivations();
    private static final GemmKernels GEMM = new ScalarGemm();
    private static final PrecisionKernels PRECISION = new ScalarPrecision();
    private static final BroadcastKernels BROADCAST = new ScalarBroadcast();
    private static final PoolingKernels POOLING = new ScalarPooling();
    private static final ConvKernels CONV = new ScalarConv();
    private static final DirectConvKernels DIRECT_CONV = new ScalarDirectConv();
    private static final OptimizerKernels OPTIMIZERS = new ScalarOptimizerKernels();
    private static final MathKernels MATH = new ScalarMath();
    private static final SoftmaxKernels SOFTMAX = new ScalarSoftmax();
    private static final NormKernels NORM = new ScalarNorm();

    private ScalarKernels() {}

    public static ElementwiseKernels elementwise() {
        return ELEMENTWISE;
    }

    public static ReductionKernels reductions() {
        return REDUCTIONS;
    }

    public static ActivationKernels activations() {
        return ACTIVATIONS;
    }

    public static GemmKernels gemm() {
        return GEMM;
    }

    public static PrecisionKernels precision() {
        return PRECISION;
    }

    public static BroadcastKernels broadcast() {
        return BROADCAST;
    }

    public static PoolingKernels pooling() {
        return POOLING;
    }

    public static ConvKernels conv() {
        return CONV;
    }

    public static DirectConvKernels directConv() {
        return DIRECT_CONV;
    }

    public static OptimizerKernels optimizers() {
        return OPTIMIZERS;
    }

    public static MathKernels math() {
        return MATH;
    }

    public static SoftmaxKernels softmax() {
        return SOFTMAX;
    }

    public static NormKernels norm() {
        return NORM;
    }
}
