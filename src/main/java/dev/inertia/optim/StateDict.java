package dev.inertia.optim;

import dev.inertia.memory.DType;
import dev.inertia.memory.Tensor;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.ArrayList;
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
 * {@link #write} / {@link #read} store it in a compact binary form described in
 * {@code docs/optimizer-state.md}.
 */
public final class StateDict {
    private static final byte[] MAGIC = {'I', 'N', 'R', 'T', 'O', 'P', 'T', '1'};
    private static final ValueLayout.OfFloat F32_LE =
            ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfDouble F64_LE =
            ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /**
     * One state tensor: its dtype, shape and data as little-endian IEEE-754 bytes.
     *
     * @param dtype F32 or F64
     * @param shape the parameter's shape
     * @param data  the elements, row-major, little-endian
     */
    public record Buffer(DType dtype, int[] shape, byte[] data) {
        public Buffer {
            Objects.requireNonNull(dtype, "dtype");
            shape = shape.clone();
            if (data.length != Steps.size(shape) * dtype.byteSize()) {
                throw new IllegalArgumentException("buffer " + dtype + Arrays.toString(shape) + " needs "
                        + Steps.size(shape) * dtype.byteSize() + " bytes, got " + data.length);
            }
        }

        @Override
        public int[] shape() {
            return shape.clone();
        }

        /** A copy of {@code t}'s elements. */
        static Buffer of(Tensor t) {
            long n = t.size();
            if (n * t.dtype().byteSize() > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException("state tensor " + t.describe() + " is too large for a state dict");
            }
            byte[] bytes = new byte[(int) (n * t.dtype().byteSize())];
            MemorySegment dst = MemorySegment.ofArray(bytes);
            if (t.dtype() == DType.F32) {
                MemorySegment.copy(t.segment(), ValueLayout.JAVA_FLOAT_UNALIGNED, 0, dst, F32_LE, 0, n);
            } else {
                MemorySegment.copy(t.segment(), ValueLayout.JAVA_DOUBLE_UNALIGNED, 0, dst, F64_LE, 0, n);
            }
            return new Buffer(t.dtype(), t.shape(), bytes);
        }

        /** Copies the elements into {@code t}, which must have this dtype and shape. */
        void copyInto(Tensor t, String what) {
            if (t.dtype() != dtype || !Arrays.equals(t.shape(), shape)) {
                throw new IllegalArgumentException(what + ": state dict holds " + dtype + Arrays.toString(shape)
                        + " but the parameter's state is " + t.describe());
            }
            MemorySegment src = MemorySegment.ofArray(data);
            long n = t.size();
            if (dtype == DType.F32) {
                MemorySegment.copy(src, F32_LE, 0, t.segment(), ValueLayout.JAVA_FLOAT_UNALIGNED, 0, n);
            } else {
                MemorySegment.copy(src, F64_LE, 0, t.segment(), ValueLayout.JAVA_DOUBLE_UNALIGNED, 0, n);
            }
        }

        /** The elements widened to double. */
        public double[] toDoubleArray() {
            MemorySegment src = MemorySegment.ofArray(data);
            double[] out = new double[(int) Steps.size(shape)];
            for (int i = 0; i < out.length; i++) {
                out[i] = dtype == DType.F32 ? src.getAtIndex(F32_LE, i) : src.getAtIndex(F64_LE, i);
            }
            return out;
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

    /** Writes the binary form (see docs/optimizer-state.md). */
    public void write(OutputStream out) throws IOException {
        DataOutputStream d = new DataOutputStream(out);
        d.write(MAGIC);
        d.writeUTF(optimizer);
        d.writeInt(paramGroups.size());
        for (Group g : paramGroups) {
            d.writeInt(g.hyperparameters.size());
            for (Map.Entry<String, Double> e : g.hyperparameters.entrySet()) {
                d.writeUTF(e.getKey());
                d.writeDouble(e.getValue());
            }
            d.writeInt(g.params.length);
            for (int p : g.params) {
                d.writeInt(p);
            }
        }
        d.writeInt(state.size());
        for (Map.Entry<Integer, ParamState> e : state.entrySet()) {
            d.writeInt(e.getKey());
            d.writeLong(e.getValue().step());
            d.writeInt(e.getValue().buffers().size());
            for (Map.Entry<String, Buffer> b : e.getValue().buffers().entrySet()) {
                d.writeUTF(b.getKey());
                d.writeUTF(b.getValue().dtype.name());
                d.writeInt(b.getValue().shape.length);
                for (int s : b.getValue().shape) {
                    d.writeInt(s);
                }
                d.writeInt(b.getValue().data.length);
                d.write(b.getValue().data);
            }
        }
        d.flush();
    }

    /** Reads the binary form written by {@link #write}. */
    public static StateDict read(InputStream in) throws IOException {
        DataInputStream d = new DataInputStream(in);
        byte[] magic = d.readNBytes(MAGIC.length);
        if (!Arrays.equals(magic, MAGIC)) {
            throw new IOException("not an Inertia optimizer state (bad magic " + Arrays.toString(magic) + ")");
        }
        String optimizer = d.readUTF();
        int groups = count(d.readInt(), "groups");
        List<Group> paramGroups = new ArrayList<>(groups);
        for (int i = 0; i < groups; i++) {
            int h = count(d.readInt(), "hyperparameters");
            Map<String, Double> hyper = new LinkedHashMap<>();
            for (int j = 0; j < h; j++) {
                hyper.put(d.readUTF(), d.readDouble());
            }
            int[] params = new int[count(d.readInt(), "parameters")];
            for (int j = 0; j < params.length; j++) {
                params[j] = d.readInt();
            }
            paramGroups.add(new Group(hyper, params));
        }
        int states = count(d.readInt(), "states");
        Map<Integer, ParamState> state = new TreeMap<>();
        for (int i = 0; i < states; i++) {
            int index = d.readInt();
            long step = d.readLong();
            int nb = count(d.readInt(), "buffers");
            Map<String, Buffer> buffers = new LinkedHashMap<>();
            for (int j = 0; j < nb; j++) {
                String name = d.readUTF();
                DType dtype;
                try {
                    dtype = DType.valueOf(d.readUTF());
                } catch (IllegalArgumentException e) {
                    throw new IOException("unknown dtype in optimizer state: " + e.getMessage());
                }
                int[] shape = new int[count(d.readInt(), "dimensions")];
                for (int k = 0; k < shape.length; k++) {
                    shape[k] = d.readInt();
                }
                byte[] data = d.readNBytes(count(d.readInt(), "bytes"));
                try {
                    buffers.put(name, new Buffer(dtype, shape, data));
                } catch (IllegalArgumentException e) {
                    throw new IOException("corrupt optimizer state: " + e.getMessage());
                }
            }
            state.put(index, new ParamState(step, buffers));
        }
        return new StateDict(optimizer, paramGroups, state);
    }

    private static int count(int n, String what) throws IOException {
        if (n < 0) {
            throw new IOException("corrupt optimizer state: negative number of " + what);
        }
        return n;
    }

    /** The binary form as bytes. */
    public byte[] toBytes() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            write(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** Reads {@link #toBytes()}'s form. */
    public static StateDict fromBytes(byte[] bytes) {
        try {
            return read(new ByteArrayInputStream(bytes));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Equal when the binary forms are equal: same names, hyperparameters, steps and buffer bits. */
    @Override
    public boolean equals(Object o) {
        return o instanceof StateDict s && Arrays.equals(toBytes(), s.toBytes());
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(toBytes());
    }

    @Override
    public String toString() {
        return "StateDict[" + optimizer + ", " + paramGroups.size() + " groups, " + state.size() + " parameters]";
    }
}
