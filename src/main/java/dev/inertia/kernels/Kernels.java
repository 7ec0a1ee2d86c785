package dev.inertia.kernels;

import dev.inertia.kernels.scalar.ScalarKernels;
import java.util.Objects;

/**
 * Entry point to the kernel families. Each accessor returns the implementation chosen once at
 * start-up by {@link Simd}: the Vector API version, or the scalar twin when SIMD is off or
 * unavailable (the twins themselves are internal: {@code kernels.scalar}, not exported).
 */
public final class Kernels {
    private static final ElementwiseKernels ELEMENTWISE = Simd.select("PanamaElementwise", ScalarKernels::elementwise);
    private static final ReductionKernels REDUCTIONS = Simd.select("PanamaReductions", ScalarKernels::reductions);
    private static final ActivationKernels ACTIVATIONS = Simd.select("PanamaActivations", ScalarKernels::activations);
    private static final PrecisionKernels PRECISION = Simd.select("PanamaPrecision", ScalarKernels::precision);
    private static final BroadcastKernels BROADCAST = Simd.select("PanamaBroadcast", ScalarKernels::broadcast);
    private static final PoolingKernels POOLING = Simd.select("PanamaPooling", ScalarKernels::pooling);
    private static final ConvKernels CONV = Simd.select("PanamaConv", ScalarKernels::conv);
    private static final DirectConvKernels DIRECT_CONV = Simd.select("PanamaDirectConv", ScalarKernels::directConv);
    // Families whose scalar twin is the implementation on every path, for now: the softmax rows
    // of the models have 10 classes, and math and batch norm are not on the models' hot paths.
    private static final MathKernels MATH = ScalarKernels.math();
    private static final SoftmaxKernels SOFTMAX = ScalarKernels.softmax();
    private static final NormKernels NORM = ScalarKernels.norm();
    private static final OptimizerKernels OPTIMIZERS = Simd.select("PanamaOptimizerKernels", ScalarKernels::optimizers);
    private static final GemmKernels GEMM = selectGemm();
    private static final PeakKernels PEAK = Simd.select("PanamaPeak", ScalarKernels::peak);

    private Kernels() {}

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

    /**
     * A GEMM with the given cache blocking instead of the machine's ({@link GemmBlocking#machine()}),
     * for tests and experiments: its results differ from {@link #gemm()}'s only where the KC
     * differs (the order in which k blocks are summed). The scalar twin has no blocking: on the
     * scalar path this is {@link #gemm()}.
     */
    public static GemmKernels gemm(GemmBlocking blocking) {
        Objects.requireNonNull(blocking, "blocking");
        if (GEMM.getClass().getPackageName().equals(ScalarKernels.class.getPackageName())) {
            return GEMM;
        }
        try {
            return GEMM.getClass().getConstructor(GemmBlocking.class).newInstance(blocking);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("the SIMD GEMM takes no blocking: " + e, e);
        }
    }

    public static PrecisionKernels precision() {
        return PRECISION;
    }

    public static BroadcastKernels broadcast() {
        return BROADCAST;
    }

    public static MathKernels math() {
        return MATH;
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

    public static SoftmaxKernels softmax() {
        return SOFTMAX;
    }

    public static NormKernels norm() {
        return NORM;
    }

    /** The fused optimizer steps. */
    public static OptimizerKernels optimizers() {
        return OPTIMIZERS;
    }

    /** The FMA peak probe ({@code inertia bench peak}). */
    public static PeakKernels peak() {
        return PEAK;
    }

    private static GemmKernels selectGemm() {
        if (Simd.enabled()) {
            JitDirectives.install(); // before the microkernels first run: see JitDirectives
        }
        return Simd.select("PanamaGemm", ScalarKernels::gemm);
    }
}
