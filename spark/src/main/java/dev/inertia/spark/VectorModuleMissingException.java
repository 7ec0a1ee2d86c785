package dev.inertia.spark;

/**
 * An executor's JVM cannot read {@code jdk.incubator.vector}, so Inertia would train there with
 * its scalar kernels, ~50-100x slower: the fit stops instead (unless the trainer was built with
 * {@code requireVectorModule(false)}).
 */
public final class VectorModuleMissingException extends IllegalStateException {
    VectorModuleMissingException(String where) {
        super(where + " cannot read the jdk.incubator.vector module, so Inertia would train there with its scalar"
                + " kernels (~50-100x slower). Start the executors with --add-modules=jdk.incubator.vector"
                + " (spark.executor.extraJavaOptions; Spark 4.2 adds it itself unless those options replace its"
                + " defaults), or build the SparkTrainer with requireVectorModule(false) to accept the scalar kernels");
    }

    /** The same error seen on the driver, with Spark's job failure as the cause. */
    VectorModuleMissingException(String message, Throwable cause) {
        super(message, cause);
    }
}
