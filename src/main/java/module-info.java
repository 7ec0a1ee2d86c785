/**
 * Inertia: neural-network training on CPUs with Vector API kernels over off-heap memory.
 *
 * <p>The incubating vector module is optional ({@code requires static}): without
 * {@code --add-modules jdk.incubator.vector} the library runs its scalar twins.
 *
 * <p>Exported: the packages users call (docs/DESIGN.md, <i>Public API</i>). Not exported: the
 * command line ({@code dev.inertia.cli}, run through its main class) and the SIMD kernels
 * ({@code dev.inertia.kernels.simd}, loaded by name by {@code kernels.Simd}).
 */
module dev.inertia {
    requires static jdk.incubator.vector;
    requires HdrHistogram;
    requires java.management;
    requires jdk.management; // the machine's memory size, for the command line's size checks

    exports dev.inertia.memory;
    exports dev.inertia.io;
    exports dev.inertia.kernels;
    exports dev.inertia.numerics;
    exports dev.inertia.autodiff;
    exports dev.inertia.nn;
    exports dev.inertia.optim;
    exports dev.inertia.data;
    exports dev.inertia.train;
}
