package dev.inertia.nn;

import dev.inertia.memory.DType;
import dev.inertia.memory.Scope;

/** Batch normalization of {@code [N, C, H, W]}; see {@link BatchNorm}. */
public final class BatchNorm2d extends BatchNorm {
    /** eps 1e-5, momentum 0.1, as PyTorch. */
    public BatchNorm2d(Scope scope, DType dtype, int features) {
        this(scope, dtype, features, 1e-5, 0.1);
    }

    public BatchNorm2d(Scope scope, DType dtype, int features, double eps, double momentum) {
        super(scope, dtype, features, eps, momentum, "[N, C, H, W]", 4);
    }
}
