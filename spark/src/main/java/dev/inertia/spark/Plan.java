package dev.inertia.spark;

import dev.inertia.optim.TensorOptimizer;
import dev.inertia.train.Loss;
import java.io.Serializable;

/**
 * Everything a task needs besides the round's broadcast: fixed for the whole fit and shipped
 * with every task (a few kilobytes).
 *
 * @param job            identifies the fit, so executors keep one set of workers per fit
 * @param mode           local SGD or exact gradient averaging
 * @param factory        builds the model on executors
 * @param loss           builds the loss
 * @param optimizer      builds the optimizer (local SGD steps it on executors)
 * @param layout         the driver's state layout, which every executor's model must match
 * @param batch          examples per partition and step (local SGD), or the global batch (exact)
 * @param partitions     partitions of the cached data
 * @param offsets        the global index of each partition's first example; the last entry is the total
 * @param stepsPerEpoch  optimizer steps in one epoch
 * @param seed           seeds the order the examples are visited in
 * @param threadsPerTask kernel threads of each task (spark.task.cpus)
 * @param exampleShape   the shape one example is given to the model in (without the batch dimension)
 * @param requireVector  whether an executor without the vector module fails the fit
 */
record Plan(String job, Mode mode, ModelFactory factory, SerializableSupplier<Loss> loss,
        SerializableSupplier<TensorOptimizer<?>> optimizer, StateLayout layout, int batch, int partitions,
        long[] offsets, long stepsPerEpoch, long seed, int threadsPerTask, int[] exampleShape,
        boolean requireVector) implements Serializable {

    /** Examples in all partitions. */
    long total() {
        return offsets[partitions];
    }
}
