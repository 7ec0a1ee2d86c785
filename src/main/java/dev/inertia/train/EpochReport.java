package dev.inertia.train;

/**
 * One epoch's line.
 *
 * @param epoch       1-based
 * @param epochs      epochs of the run
 * @param steps       optimizer steps of this epoch (including those before a resume)
 * @param globalStep  optimizer steps of the whole run so far
 * @param partial     whether the epoch stopped early (max steps or an interrupt)
 * @param trainLoss   mean training loss over the epoch's steps
 * @param testLoss    mean loss on the test set
 * @param testAcc     fraction of the test set classified right
 * @param samplesPerS training samples per second over the steps this process timed (test evaluation excluded)
 * @param stepMsP50   median step time
 * @param stepMsP99   99th percentile step time
 * @param stepMsMax   slowest step
 */
public record EpochReport(int epoch, int epochs, long steps, long globalStep, boolean partial, double trainLoss,
        double testLoss, double testAcc, double samplesPerS, double stepMsP50, double stepMsP99, double stepMsMax) {
}
