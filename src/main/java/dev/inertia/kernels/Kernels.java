package dev.inertia.kernels;

/**
 * Entry point to the kernel families. Each accessor returns the implementation chosen once at
 * start-up by {@link Simd}: the Vector API version, or the scalar twin when SIMD is off or
 * unavailable. The {@code scalar*} accessors return the twins themselves, for comparisons.
 */
public final class Kernels {
    private static final ElementwiseKernels ELEMENTWISE = Simd.select("PanamaElementwise", ScalarElementwise::new);
    private static final ReductionKernels REDUCTIONS = Simd.select("PanamaReductions", ScalarReductions::new);
    private static final ActivationKernels ACTIVATIONS = Simd.select("PanamaActivations", ScalarActivations::new);
    private static final PrecisionKernels PRECISION = Simd.select("PanamaPrecision", ScalarPrecision::new);
    private static final BroadcastKernels BROADCAST = Simd.select("PanamaBroadcast", ScalarBroadcast::new);
    private static final PoolingKernels POOLING = Simd.select("PanamaPooling", ScalarPooling::new);
    private static final ConvKernels CONV = Simd.select("PanamaConv", ScalarConv::new);
    private static final DirectConvKernels DIRECT_CONV = Simd.select("PanamaDirectConv", ScalarDirectConv::new);
    // Families whose scalar twin is the implementation on every path, for now: the softmax rows
    // of the models have 10 classes, and math and batch norm are not on the models' hot paths.
    private static final MathKernels MATH = new ScalarMath();
    private static final SoftmaxKernels SOFTMAX = new ScalarSoftmax();
    private static final NormKernels NORM = new ScalarNorm();
    private static final OptimizerKernels OPTIMIZERS = Simd.select("PanamaOptimizerKernels", ScalarOptimizerKernels::new);
    private static final GemmKernels GEMM = selectGemm();

    private static final ElementwiseKernels SCALAR_ELEMENTWISE = new ScalarElementwise();
    private static final ReductionKernels SCALAR_REDUCTIONS = new ScalarReductions();
    private static final ActivationKernels SCALAR_ACTIVATIONS = new ScalarActivations();
    private static final GemmKernels SCALAR_GEMM = new ScalarGemm();
    private static final PrecisionKernels SCALAR_PRECISION = new ScalarPrecision();
    private static final BroadcastKernels SCALAR_BROADCAST = new ScalarBroadcast();
    private static final PoolingKernels SCALAR_POOLING = new ScalarPooling();
    private static final ConvKernels SCALAR_CONV = new ScalarConv();
    private static final DirectConvKernels SCALAR_DIRECT_CONV = new ScalarDirectConv();
    private static final OptimizerKernels SCALAR_OPTIMIZERS = new ScalarOptimizerKernels();

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

    public static ConvKernels scalarConv() {
        return SCALAR_CONV;
    }

    public static DirectConvKernels scalarDirectConv() {
        return SCALAR_DIRECT_CONV;
    }

    public static PoolingKernels scalarPooling() {
        return SCALAR_POOLING;
    }

    public static BroadcastKernels scalarBroadcast() {
        return SCALAR_BROADCAST;
    }

    /** The fused optimizer steps. */
    public static OptimizerKernels optimizers() {
        return OPTIMIZERS;
    }

    public static ElementwiseKernels scalarElementwise() {
        return SCALAR_ELEMENTWISE;
    }

    public static ReductionKernels scalarReductions() {
        return SCALAR_REDUCTIONS;
    }

    public static ActivationKernels scalarActivations() {
        return SCALAR_ACTIVATIONS;
    }

    public static GemmKernels scalarGemm() {
        return SCALAR_GEMM;
    }

    public static PrecisionKernels scalarPrecision() {
        return SCALAR_PRECISION;
    }

    public static OptimizerKernels scalarOptimizers() {
        return SCALAR_OPTIMIZERS;
    }

    private static GemmKernels selectGemm() {
        if (Simd.enabled()) {
            JitDirectives.install(); // before the microkernels first run: see JitDirectives
        }
        return Simd.select("PanamaGemm", ScalarGemm::new);
    }
}
