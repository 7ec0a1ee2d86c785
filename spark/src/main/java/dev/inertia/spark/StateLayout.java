package dev.inertia.spark;

import dev.inertia.memory.DType;
import dev.inertia.memory.Tensor;
import dev.inertia.nn.Module;
import dev.inertia.optim.Optimizer;
import dev.inertia.optim.OptimizerState;
import dev.inertia.optim.StateDict;
import java.io.Serializable;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Where every tensor of a model (its state dict: parameters and buffers) and of its optimizer
 * (each parameter's state buffers) sits in one flat {@code float[]}: the form a round broadcasts
 * and the aggregate sums, so that averaging is one vector sum and decoding one copy per tensor.
 * The model's part comes first, so a model-only vector is a prefix of the full one.
 */
final class StateLayout implements Serializable {
    /** One tensor's place. */
    record Slot(String name, int[] shape, int offset, int length, boolean parameter) implements Serializable {
        String describe() {
            return name + Arrays.toString(shape);
        }
    }

    private final List<Slot> model;
    private final List<Slot> optimizer;
    private final int modelLength;
    private final int totalLength;

    private StateLayout(List<Slot> model, List<Slot> optimizer, int modelLength, int totalLength) {
        this.model = List.copyOf(model);
        this.optimizer = List.copyOf(optimizer);
        this.modelLength = modelLength;
        this.totalLength = totalLength;
    }

    /** The layout of {@code m}'s state dict and {@code opt}'s buffers; every tensor must be F32. */
    static StateLayout of(Module m, Optimizer opt) {
        Set<Tensor> params = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        m.parameters().forEach(p -> params.add(p.value()));
        List<Slot> model = new ArrayList<>();
        long offset = 0;
        for (Map.Entry<String, Tensor> e : m.stateDict().entrySet()) {
            offset = add(model, e.getKey(), e.getValue(), offset, params.contains(e.getValue()));
        }
        int modelLength = (int) offset;
        List<Slot> states = new ArrayList<>();
        for (int i = 0; i < opt.params().size(); i++) {
            for (Map.Entry<String, Tensor> b : opt.state(i).buffers().entrySet()) {
                offset = add(states, "optimizer." + i + "." + b.getKey(), b.getValue(), offset, false);
            }
        }
        return new StateLayout(model, states, modelLength, (int) offset);
    }

    private static long add(List<Slot> into, String name, Tensor t, long offset, boolean parameter) {
        if (t.dtype() != DType.F32) {
            throw new IllegalArgumentException("inertia-spark trains F32 models; '" + name + "' is " + t.describe());
        }
        long end = offset + t.size();
        if (end > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("the model and optimizer state exceed 2^31 floats, the largest Java"
                    + " array a round can broadcast");
        }
        into.add(new Slot(name, t.shape(), (int) offset, (int) t.size(), parameter));
        return end;
    }

    /** Floats of the model's state dict. */
    int modelLength() {
        return modelLength;
    }

    /** Floats of the model's state dict and the optimizer's buffers. */
    int totalLength() {
        return totalLength;
    }

    List<Slot> modelSlots() {
        return model;
    }

    /** Names and shapes, for comparing the layout an executor's factory built with the driver's. */
    String signature() {
        StringBuilder sb = new StringBuilder();
        for (Slot s : model) {
            sb.append(s.describe()).append(s.parameter() ? "" : " (buffer)").append('\n');
        }
        for (Slot s : optimizer) {
            sb.append(s.describe()).append('\n');
        }
        return sb.toString();
    }

    /** Copies the model's parameters and buffers into {@code into}. */
    void packModel(Module m, float[] into) {
        Map<String, Tensor> state = m.stateDict();
        for (Slot s : model) {
            toArray(state.get(s.name()), into, s.offset());
        }
    }

    /** Copies {@code from} into the model's parameters and buffers. */
    void unpackModel(float[] from, Module m) {
        Map<String, Tensor> state = m.stateDict();
        for (Slot s : model) {
            fromArray(from, s.offset(), state.get(s.name()));
        }
    }

    /** Copies the optimizer's state buffers into {@code into} (after the model's part). */
    void packOptimizer(Optimizer opt, float[] into) {
        int k = 0;
        for (int i = 0; i < opt.params().size(); i++) {
            for (Tensor b : opt.state(i).buffers().values()) {
                toArray(b, into, optimizer.get(k++).offset());
            }
        }
    }

    /**
     * Loads the optimizer's buffers from {@code from} and sets every parameter's step count to
     * {@code step}, through the optimizer's state dict (hyperparameters from {@code template}).
     */
    void unpackOptimizer(float[] from, long step, Optimizer opt, StateDict template) {
        MemorySegment all = MemorySegment.ofArray(from);
        Map<Integer, StateDict.ParamState> states = new LinkedHashMap<>();
        int k = 0;
        for (int i = 0; i < opt.params().size(); i++) {
            OptimizerState s = opt.state(i);
            Map<String, StateDict.Buffer> buffers = new LinkedHashMap<>();
            for (String name : s.buffers().keySet()) {
                Slot slot = optimizer.get(k++);
                buffers.put(name, new StateDict.Buffer(DType.F32, slot.shape(),
                        all.asSlice((long) slot.offset() * Float.BYTES, (long) slot.length() * Float.BYTES)));
            }
            states.put(i, new StateDict.ParamState(step, buffers));
        }
        opt.loadStateDict(new StateDict(template.optimizer(), template.paramGroups(), states));
    }

    static void toArray(Tensor t, float[] into, int offset) {
        MemorySegment.copy(t.segment(), ValueLayout.JAVA_FLOAT, 0, into, offset, (int) t.size());
    }

    static void fromArray(float[] from, int offset, Tensor t) {
        MemorySegment.copy(from, offset, t.segment(), ValueLayout.JAVA_FLOAT, 0, (int) t.size());
    }
}
