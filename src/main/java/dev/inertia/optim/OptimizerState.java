package dev.inertia.optim;

import dev.inertia.memory.DType;
import dev.inertia.memory.Scope;
import dev.inertia.memory.Tensor;
import java.lang.foreign.Arena;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The per-parameter state of an optimizer: the number of steps taken and named buffers of the
 * parameter's dtype and shape (named as in PyTorch's {@code state_dict}, e.g. {@code exp_avg_sq}).
 * Each optimizer has its own subclass, like {@link INNAprop.State}, with typed accessors.
 *
 * <p>Buffers come from the {@link Scope} given to {@code init}, or, without one, from an
 * automatic arena: that memory is freed once the state is no longer reachable.
 */
public abstract class OptimizerState {
    private final DType dtype;
    private final int[] shape;
    private final Scope scope;
    private final Map<String, Tensor> buffers = new LinkedHashMap<>();
    private long step;

    OptimizerState(Tensor theta, Scope scope) {
        this.dtype = Steps.requireFloating(theta, "theta");
        this.shape = theta.shape();
        this.scope = scope;
    }

    /** Adds a zero-filled buffer of the parameter's layout under {@code name}. */
    final Tensor addBuffer(String name) {
        Tensor t;
        if (scope != null) {
            t = Tensor.zeros(scope, dtype, shape);
        } else {
            long bytes = Steps.size(shape) * dtype.byteSize();
            t = Tensor.wrap(Arena.ofAuto().allocate(Math.max(bytes, 1), Scope.ALIGNMENT).asSlice(0, bytes), dtype,
                    shape);
        }
        buffers.put(name, t);
        return t;
    }

    /** Steps taken so far (PyTorch's {@code state['step']}); the next step is number {@code step() + 1}. */
    public final long step() {
        return step;
    }

    /** Counts one more step and returns its number, starting at 1. */
    final long advance() {
        return ++step;
    }

    final void setStep(long step) {
        if (step < 0) {
            throw new IllegalArgumentException("step must be >= 0, got " + step);
        }
        this.step = step;
    }

    /** The state's buffers by name, in a fixed order (read-only map; the tensors are live). */
    public final Map<String, Tensor> buffers() {
        return Collections.unmodifiableMap(buffers);
    }

    /** The dtype of the parameter this state belongs to. */
    public final DType dtype() {
        return dtype;
    }

    /** The shape of the parameter this state belongs to. */
    public final int[] shape() {
        return shape.clone();
    }

    /** Checks that {@code theta} has the layout this state was created for. */
    final void requireFits(Tensor theta) {
        if (theta.dtype() != dtype || !sameShape(theta)) {
            throw new IllegalArgumentException("optimizer state was created for " + dtype + Arrays.toString(shape)
                    + " but the parameter is " + theta.describe());
        }
    }

    /** Whether {@code theta} has this state's shape (read without copying it: a step allocates nothing). */
    private boolean sameShape(Tensor theta) {
        if (theta.rank() != shape.length) {
            return false;
        }
        for (int i = 0; i < shape.length; i++) {
            if (theta.dim(i) != shape[i]) {
                return false;
            }
        }
        return true;
    }

    /** Copies the step count and every buffer of {@code other}, which must be of the same kind and layout. */
    public final void copyFrom(OptimizerState other) {
        if (other.getClass() != getClass() || !other.buffers.keySet().equals(buffers.keySet())) {
            throw new IllegalArgumentException("cannot copy a " + other.getClass().getName() + " state with buffers "
                    + other.buffers.keySet() + " into a " + getClass().getName() + " with " + buffers.keySet());
        }
        for (Map.Entry<String, Tensor> e : buffers.entrySet()) {
            e.getValue().copyFrom(other.buffers.get(e.getKey()));
        }
        step = other.step;
    }
}
