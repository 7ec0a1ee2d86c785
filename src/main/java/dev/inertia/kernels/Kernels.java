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
    private static final GemmKernels GEMM = Simd.select("PanamaGemm", ScalarGemm::new);

    private static final ElementwiseKernels SCALAR_ELEMENTWISE = new ScalarElementwise();
    private static final ReductionKernels SCALAR_REDUCTIONS = new ScalarReductions();
    private static final ActivationKernels SCALAR_ACTIVATIONS = new ScalarActivations();
    private static final GemmKernels SCALAR_GEMM = new ScalarGemm();

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
}
