package dev.inertia.spark;

import dev.inertia.kernels.KernelPool;
import dev.inertia.kernels.Simd;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;

/**
 * One partition's work in one round: local SGD's K steps or exact mode's gradient share. A
 * class rather than a lambda so that exactly these fields are shipped.
 */
final class RoundTask implements FlatMapFunction<Iterator<PackedPartition>, RoundResult> {
    private final Plan plan;
    private final Broadcast<float[]> state;
    private final long startStep;
    /** Local SGD: the learning-rate factor of each step of the round. */
    private final double[] lrFactors;

    RoundTask(Plan plan, Broadcast<float[]> state, long startStep, double[] lrFactors) {
        this.plan = plan;
        this.state = state;
        this.startStep = startStep;
        this.lrFactors = lrFactors;
    }

    @Override
    public Iterator<RoundResult> call(Iterator<PackedPartition> partitions) {
        if (plan.requireVector() && !Simd.vectorModuleReadable()) {
            throw new VectorModuleMissingException(executorName());
        }
        int index = TaskContext.getPartitionId();
        PackedPartition part = partitions.next();
        Worker w = Workers.borrow(plan, part);
        boolean clean = false;
        try (KernelPool.Binding bound = w.bind()) {
            float[] s = state.value();
            RoundResult r = plan.mode() == Mode.EXACT ? w.gradient(part, index, s, startStep)
                    : w.localSteps(part, index, s, startStep, lrFactors);
            clean = true;
            return List.of(r).iterator();
        } finally {
            if (clean) {
                Workers.release(w);
            } else {
                w.close(); // a failed step may leave the tape mid-run: the retry builds a fresh worker
            }
        }
    }

    private static String executorName() {
        SparkEnv env = SparkEnv.get();
        return env == null ? "this JVM" : "executor " + env.executorId();
    }
}
