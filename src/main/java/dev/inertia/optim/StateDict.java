package dev.inertia.optim;

import dev.inertia.memory.DType;
import dev.inertia.memory.Tensor;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A snapshot of an {@link Optimizer}'s state, laid out like PyTorch's {@code state_dict()}:
 * <ul>
 *   <li>{@code state}: by parameter index (parameters numbered across groups in order, from 0),
 *       the step count and the named buffers ({@code psi}, {@code exp_avg_sq}, ...), copied bit for
 *       bit;</li>
 *   <li>{@code param_groups}: per group, the hyperparameters by PyTorch's names (plus
 *       {@code initial_lr}, the learning rate schedules multiply) and the indices of its
 *       parameters.</li>
 * </ul>
 * Restoring it with {@link Optimizer#loadStateDict} continues a trajectory with the same bits.
 * It has no file format of its own: a training checkpoint ({@code dev.inertia.train.Checkpoint})
 * stores it as safetensors tensors and metadata, as {@code docs/optimizer-state.md} describes.
 */
public final class StateDict {

    /**
     * One state tensor: its dtype, shape and elements, row-major in native byte order (as
     * {@link Tensor} memory).
     *
     * @param dtype F32 or F64
     * @param shape the parameter's shape
     * @param data  the elements; not copied by this constructor, so memory read from a file can be
     *              loaded without an intermediate copy (it must stay alive while the buffer is used)
     */
    public record Buffer(DType dtype, int[] shape, MemorySegment data) {
        public Buffer {
            Objects.requireNonNull(dtype, "dtype");
            Objects.requireNonNull(data, "data");
            if (dtype != DType.F32 && dtype != DType.F64) {
                throw new IllegalArgumentException("state buffers are F32 or F64, got " + dtype);
            }
            shape = shape.clone();
            long bytes = dtype.byteSize();
            for (int d : shape) {
                if (d < 0) {
                    throw new IllegalArgumentException("buffer shape " + Arrays.toString(shape)
                            + " has a negative dimension");
                }
                try {
                    bytes = Math.multiplyExact(bytes, d);
                } catch (ArithmeticException e) {
                    throw new IllegalArgumentException("buffer shape " + Arrays.toString(shape) + " is too large");
                }
            }
            if (data.byteSize() != bytes) {
                throw new IllegalArgumentException("buffer " + dtype + Arrays.toString(shape) + " needs " + bytes
                        + " bytes, got " + data.byteSize());
            }
        }

        @Override
        public int[] shape() {
            return shape.clone();
        }

        /** A copy of {@code t}'s elements, in memory freed once the buffer is unreachable. */
        static Buffer of(Tensor t) {
            long bytes = t.size() * t.dtype().byteSize();
            MemorySegment copy = Arena.ofAuto().allocate(Math.max(bytes, 1), Long.BYTES).asSlice(0, bytes);
            MemorySegment.copy(t.segment(), 0, copy, 0, bytes);
            return new Buffer(t.dtype(), t.shape(), copy);
        }

        /** Copies the elements into {@code t}, which must have this dtype and shape. */
        void copyInto(Tensor t, String what) {
            if (t.dtype() != dtype || !Arrays.equals(t.shape(), shape)) {
                throw new IllegalArgumentException(what + ": state dict holds " + dtype + Arrays.toString(shape)
                        + " but the parameter's state is " + t.describe());
            }
            MemorySegment.copy(data, 0, t.segment(), 0, data.byteSize());
        }

        /** The elements widened to double. */
        public double[] toDoubleArray() {
            if (dtype == DType.F64) {
                return data.toArray(ValueLayout.JAVA_DOUBLE_UNALIGNED);
            }
            float[] f = data.toArray(ValueLayout.JAVA_FLOAT_UNALIGNED);
            double[] out = new double[f.length];
            for (int i = 0; i < f.length; i++) {
                out[i] = f[i];
            }
            return out;
        }

        /** Equal when dtype, shape and every bit of the data are. */
        @Override
        public boolean equals(Object o) {
            return o instanceof Buffer b && b.dtype == dtype && Arrays.equals(b.shape, shape)
                    && data.mismatch(b.data) < 0;
        }

        @Override
        public int hashCode() {
            return dtype.hashCode() * 31 + Arrays.hashCode(shape);
        }

        @Override
        public String toString() {
            return dtype + Arrays.toString(shape);
        }
    }

    /**
     * The state of one parameter.
     *
     * @param step    steps taken
     * @param buffers named buffers, in the optimizer's order
     */
    public record ParamState(long step, Map<String, Buffer> buffers) {
        public ParamState {
            buffers = Collections.unmodifiableMap(new LinkedHashMap<>(buffers));
        }
    }

    /**
     * One parameter group.
     *
     * @param hyperparameters by PyTorch's names, plus {@code initial_lr}
     * @param params          indices of the group's parameters
     */
    public record Group(Map<String, Double> hyperparameters, int[] params) {
        public Group {
            hyperparameters = Collections.unmodifiableMap(new LinkedHashMap<>(hyperparameters));
            params = params.clone();
        }

        @Override
        public int[] params() {
            return params.clone();
        }

        /** Equal when the hyperparameters (bit for bit, as {@link Double#equals}) and indices are. */
        @Override
        public boolean equals(Object o) {
            return o instanceof Group g && g.hyperparameters.equals(hyperparameters) && Arrays.equals(g.params, params);
        }

        @Override
        public int hashCode() {
            return hyperparameters.hashCode() * 31 + Arrays.hashCode(params);
        }
    }

    private final String optimizer;
    private final List<Group> paramGroups;
    private final Map<Integer, ParamState> state;

    /** A state dict of the optimizer called {@code optimizer} (as {@link TensorOptimizer#name()}). */
    public StateDict(String optimizer, List<Group> paramGroups, Map<Integer, ParamState> state) {
        this.optimizer = Objects.requireNonNull(optimizer, "optimizer");
        this.paramGroups = List.copyOf(paramGroups);
        this.state = Collections.unmodifiableMap(new TreeMap<>(state));
    }

    public String optimizer() {
        return optimizer;
    }

    /** PyTorch's {@code param_groups}. */
    public List<Group> paramGroups() {
        return paramGroups;
    }

    /** PyTorch's {@code state}: by parameter index, in increasing order. */
    public Map<Integer, ParamState> state() {
        return state;
    }

    /** Equal when the names, hyperparameters, parameter indices, steps and every buffer bit are. */
    @Override
    public boolean equals(Object o) {
        return o instanceof StateDict s && s.optimizer.equals(optimizer) && s.paramGroups.equals(paramGroups)
                && s.state.equals(state);
    }

    @Override
    public int hashCode() {
        return Objects.hash(optimizer, paramGroups, state);
    }

    @Override
    public String toString() {
        return "StateDict[" + optimizer + ", " + paramGroups.size() + " groups, " + state.size() + " parameters]";
    }
}
