package dev.inertia.train;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One epoch's line.
 *
 * @param epoch       1-based
 * @param epochs      epochs of the run
 * @param steps       optimizer steps of this epoch (including those before a resume)
 * @param globalStep  optimizer steps of the whole run so far
 * @param partial     whether the epoch stopped early (max steps or an interrupt)
 * @param trainLoss   mean training loss over the epoch's steps
 * @param testLoss    mean loss on the evaluation set: the validation set given to
 *                    {@link Trainer#fit(dev.inertia.data.Dataset, dev.inertia.data.Dataset)}, the
 *                    test set of the command line's Fashion-MNIST run (NaN without one); also
 *                    {@code metric("loss")}
 * @param testAcc     fraction of that set classified right (NaN for regression or without one); also
 *                    {@code metric("accuracy")}
 * @param samplesPerS training samples per second over the steps this process timed (evaluation excluded)
 * @param stepMsP50   median step time
 * @param stepMsP99   99th percentile step time
 * @param stepMsMax   slowest step
 * @param firstStepMs the wall time of this process's first training step, from its first forward
 *                    pass to the end of its optimizer update (class loading, JIT compilation and
 *                    first allocations included: the warm-up tax, docs/PERFORMANCE.md), NaN when
 *                    no step was timed yet
 * @param metrics     every metric on the evaluation set by name ({@code loss}, {@code accuracy},
 *                    {@code rmse}, ...), in the trainer's order
 */
public record EpochReport(int epoch, int epochs, long steps, long globalStep, boolean partial, double trainLoss,
        double testLoss, double testAcc, double samplesPerS, double stepMsP50, double stepMsP99, double stepMsMax,
        double firstStepMs, Map<String, Double> metrics) {
    public EpochReport {
        metrics = Collections.unmodifiableMap(new LinkedHashMap<>(metrics));
    }

    /** The value of {@code name} on the evaluation set, or NaN when it was not measured. */
    public double metric(String name) {
        return metrics.getOrDefault(name, Double.NaN);
    }
}
