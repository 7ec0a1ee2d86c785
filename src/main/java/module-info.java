/**
 * Inertia: neural-network training on CPUs with Vector API kernels over off-heap memory.
 *
 * <p>The incubating vector module is optional ({@code requires static}): without
 * {@code --add-modules jdk.incubator.vector} the library runs its scalar twins.
 */
module dev.inertia {
    requires static jdk.incubator.vector;
    requires HdrHistogram;
    requires java.management;

    exports dev.inertia.memory;
    exports dev.inertia.io;
    exports dev.inertia.kernels;
    exports dev.inertia.numerics;
    exports dev.inertia.autodiff;
    exports dev.inertia.nn;
    exports dev.inertia.optim;
    exports dev.inertia.cli;
    exports dev.inertia.data;
    exports dev.inertia.train;
}
