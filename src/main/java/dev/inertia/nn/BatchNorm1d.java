package dev.inertia.nn;

import dev.inertia.autodiff.Var;
import dev.inertia.memory.DType;
import dev.inertia.memory.Scope;
import java.util.Arrays;

/** Batch normalization of {@code [N, C]} or {@code [N, C, L]}; see {@link BatchNorm}. */
public final class BatchNorm1d extends BatchNorm {
    /** eps 1e-5, momentum 0.1, as PyTorch. */
    public BatchNorm1d(Scope scope, DType dtype, int features) {
        this(scope, dtype, features, 1e-5, 0.1);
    }

    public BatchNorm1d(Scope scope, DType dtype, int features, double eps, double momentum) {
        super(scope, dtype, features, eps, momentum);
    }

    @Override
    protected void checkInput(Var x) {
        if (x.shape().length != 2 && x.shape().length != 3) {
            throw new IllegalArgumentException("BatchNorm1d needs [N, C] or [N, C, L], got "
                    + Arrays.toString(x.shape()));
        }
    }
}
