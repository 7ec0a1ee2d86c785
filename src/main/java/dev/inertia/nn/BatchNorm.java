package dev.inertia.nn;

import dev.inertia.autodiff.Var;
import dev.inertia.memory.DType;
import dev.inertia.memory.Scope;
import dev.inertia.memory.Tensor;
import java.util.Arrays;

/**
 * Batch normalization over axis 1 (the shared part of {@link BatchNorm1d} and
 * {@link BatchNorm2d}). Training mode normalizes with the batch's statistics and updates the
 * running ones ({@code running = (1 - momentum) · running + momentum · batch}, the unbiased
 * batch variance, as PyTorch); evaluation mode normalizes with the running statistics.
 * Parameters {@code weight} (gamma, 1) and {@code bias} (beta, 0); buffers {@code running_mean}
 * (0) and {@code running_var} (1); and PyTorch's {@code num_batches_tracked}, the number of
 * training-mode forward passes, an integer kept here as a counter (the tensors of
 * {@link #stateDict()} are F32 or F64) and written by checkpoints as the int64 scalar PyTorch has.
 */
public abstract class BatchNorm extends Weighted {
    private final int features;
    private final double eps, momentum;
    private final Tensor runningMean, runningVar;
    private final String layout;
    private final int[] ranks;
    private long numBatchesTracked;

    /**
     * A batch norm of {@code features} channels for inputs of the given {@code ranks}, described
     * as {@code layout} (like {@code "[N, C, H, W]"}) when an input has another rank.
     */
    protected BatchNorm(Scope scope, DType dtype, int features, double eps, double momentum, String layout,
            int... ranks) {
        if (features < 1 || !(eps > 0) || !(momentum >= 0 && momentum <= 1)) {
            throw new IllegalArgumentException("batch norm needs features >= 1, eps > 0 and momentum in [0, 1], got "
                    + features + ", " + eps + ", " + momentum);
        }
        this.features = features;
        this.eps = eps;
        this.momentum = momentum;
        this.layout = layout;
        this.ranks = ranks.clone();
        registerIdentity(scope, dtype, features);
        runningMean = registerBuffer("running_mean", Tensor.zeros(scope, dtype, features));
        runningVar = registerBuffer("running_var", Tensor.zeros(scope, dtype, features));
        for (int c = 0; c < features; c++) {
            runningVar.setDouble(c, 1);
        }
    }

    /** Checks the input's rank, naming the layer. */
    private void checkInput(Var x) {
        for (int rank : ranks) {
            if (x.shape().length == rank) {
                return;
            }
        }
        throw new IllegalArgumentException(getClass().getSimpleName() + " needs " + layout + ", got "
                + Arrays.toString(x.shape()));
    }

    @Override
    public Var forward(Var x) {
        checkInput(x);
        if (x.shape()[1] != features) {
            throw new IllegalArgumentException(describe() + " got " + x.shape()[1] + " channels");
        }
        if (!isTraining()) {
            return x.batchNormEval(weight().value(), bias().value(), runningMean, runningVar, eps);
        }
        Var y = x.batchNorm(weightOn(x), biasOn(x), eps);
        updateRunningStats(y, x.size() / features);
        numBatchesTracked++;
        return y;
    }

    private void updateRunningStats(Var y, long count) {
        Tensor mean = y.batchNormMean(), invStd = y.batchNormInvStd();
        double unbias = count > 1 ? (double) count / (count - 1) : 1;
        for (int c = 0; c < features; c++) {
            double s = invStd.getDouble(c);
            double batchVar = 1 / (s * s) - eps;
            runningMean.setDouble(c, (1 - momentum) * runningMean.getDouble(c) + momentum * mean.getDouble(c));
            runningVar.setDouble(c, (1 - momentum) * runningVar.getDouble(c) + momentum * batchVar * unbias);
        }
    }

    /** The number of features (channels) normalized: the size of axis 1. */
    public int features() {
        return features;
    }

    /** Added to the variance before the square root. */
    public double eps() {
        return eps;
    }

    /** The weight of each batch's statistics in the running ones. */
    public double momentum() {
        return momentum;
    }

    public Tensor runningMean() {
        return runningMean;
    }

    public Tensor runningVar() {
        return runningVar;
    }

    /** Training-mode forward passes so far: PyTorch's {@code num_batches_tracked}. */
    public long numBatchesTracked() {
        return numBatchesTracked;
    }

    /** Restores {@link #numBatchesTracked()} (from a checkpoint). */
    public void setNumBatchesTracked(long n) {
        if (n < 0) {
            throw new IllegalArgumentException("num_batches_tracked must be >= 0, got " + n);
        }
        numBatchesTracked = n;
    }

    @Override
    protected String describe() {
        return getClass().getSimpleName() + "(" + features + ", eps=" + eps + ", momentum=" + momentum + ")";
    }
}
