package dev.inertia.nn;

import dev.inertia.memory.DType;
import dev.inertia.memory.Scope;

/** Batch normalization of {@code [N, C]} or {@code [N, C, L]}; see {@link BatchNorm}. */
public final class BatchNorm1d extends BatchNorm {
    /** eps 1e-5, momentum 0.1, as PyTorch. */
    public BatchNorm1d(Scope scope, DType dtype, int features) {
        this(scope, dtype, features, 1e-5, 0.1);
    }

    public BatchNorm1d(Scope scope, DType dtype, int features, double eps, double momentum) {
        super(scope, dtype, features, eps, momentum, "[N, C] or [N, C, L]", 2, 3);
    }
}
