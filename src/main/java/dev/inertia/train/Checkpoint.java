package dev.inertia.train;

import dev.inertia.io.SafeDtype;
import dev.inertia.io.SafeTensors;
import dev.inertia.io.SafeTensorsException;
import dev.inertia.memory.Scope;
import dev.inertia.memory.Tensor;
import dev.inertia.nn.BatchNorm;
import dev.inertia.nn.Dropout;
import dev.inertia.nn.Module;
import dev.inertia.optim.HyperparameterRanges;
import dev.inertia.optim.Optimizer;
import dev.inertia.optim.StateDict;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A training checkpoint in one safetensors file, written atomically by {@link SafeTensors}:
 * <ul>
 * <li>the model's state dict under its PyTorch names ({@code 0.weight}, {@code 0.bias}, ...), and
 *     each batch norm's {@code num_batches_tracked} as the int64 scalar PyTorch keeps, so
 *     {@code model.load_state_dict(safetensors.torch.load_file(f), strict=False)} loads it into the
 *     same architecture in PyTorch;</li>
 * <li>the optimizer's buffers as tensors {@code optimizer.state.<param>.<buffer>} (names as in
 *     docs/optimizer-state.md), with its name, hyperparameters, parameter groups and per-parameter
 *     step counts in the metadata ({@code optimizer}, {@code optimizer.group.<g>.<name>},
 *     {@code optimizer.group.<g>.params}, {@code optimizer.state.<param>.step});</li>
 * <li>the loop's position in the metadata: {@code epoch} (0-based, the one in progress),
 *     {@code batch} (batches of it done), {@code step} (optimizer steps in all), the running loss
 *     of the epoch, the shuffling {@code seed}, each dropout layer's generator state
 *     ({@code rng.<module>}), the steps the learning-rate schedule is planned over
 *     ({@code planned_steps}) and the loss scaler's state ({@code loss_scale.<key>},
 *     {@link LossScaling#state()}); a checkpoint without the last two (written before they were
 *     kept) loads with 0 planned steps (unknown) and leaves the loss scaler as configured;</li>
 * <li>{@code format} and whatever the caller adds (model name, batch size, dtype), which
 *     {@link #load} compares against what the resuming run expects.</li>
 * </ul>
 * Doubles are stored with {@link Double#toString}, which reads back to the same bits.
 */
public final class Checkpoint {
    /** The metadata value of {@code format}. */
    public static final String FORMAT = "inertia-checkpoint-1";
    private static final String OPT = "optimizer.";
    private static final String STATE = "optimizer.state.";
    private static final String TRACKED = "num_batches_tracked";

    private Checkpoint() {}

    /**
     * Where a run stands.
     *
     * @param epoch          the epoch in progress (0-based)
     * @param batch          batches of that epoch done
     * @param step           optimizer steps done in all
     * @param epochLossSum   sum of the training losses of the epoch's steps so far
     * @param seed           the shuffling seed
     * @param plannedSteps   the steps the run's learning-rate schedule spans, or 0: unknown
     */
    public record Position(int epoch, int batch, long step, double epochLossSum, long seed, long plannedSteps) {
        /** A position without a planned schedule length. */
        public Position(int epoch, int batch, long step, double epochLossSum, long seed) {
            this(epoch, batch, step, epochLossSum, seed, 0);
        }
    }

    /** The metadata prefix of the loss scaler's state. */
    private static final String LOSS_SCALE = "loss_scale.";

    /** Writes {@code model}, {@code optimizer} and {@code position} with {@code info} to {@code file}, atomically. */
    public static void save(Path file, Module model, Optimizer optimizer, Position position, Map<String, String> info)
            throws IOException {
        save(file, model, optimizer, position, info, null);
    }

    /** {@link #save(Path, Module, Optimizer, Position, Map)} plus the state of {@code scaling} (may be null). */
    public static void save(Path file, Module model, Optimizer optimizer, Position position, Map<String, String> info,
            LossScaling scaling) throws IOException {
        Map<String, SafeTensors.Entry> tensors = new LinkedHashMap<>();
        model.stateDict().forEach((name, t) -> tensors.put(name, SafeTensors.Entry.of(t)));
        model.namedModules().forEach((name, m) -> {
            if (m instanceof BatchNorm bn) {
                tensors.put(batchesTracked(name), new SafeTensors.Entry(SafeDtype.I64, new long[0],
                        MemorySegment.ofArray(new long[] {bn.numBatchesTracked()})));
            }
        });
        Map<String, String> meta = new LinkedHashMap<>(info);
        meta.put("format", FORMAT);
        meta.put("epoch", Integer.toString(position.epoch()));
        meta.put("batch", Integer.toString(position.batch()));
        meta.put("step", Long.toString(position.step()));
        meta.put("epoch_loss_sum", Double.toString(position.epochLossSum()));
        meta.put("seed", Long.toString(position.seed()));
        if (position.plannedSteps() > 0) {
            meta.put("planned_steps", Long.toString(position.plannedSteps()));
        }
        if (scaling != null) {
            scaling.state().forEach((k, v) -> meta.put(LOSS_SCALE + k, v));
        }
        model.namedModules().forEach((name, m) -> {
            if (m instanceof Dropout d) {
                meta.put("rng." + name, Long.toString(d.rngState()));
            }
        });
        putOptimizer(optimizer.stateDict(), tensors, meta);
        SafeTensors.write(file, tensors, meta);
    }

    /**
     * The optimizer's state dict as the checkpoint stores it: the buffers as tensors (the snapshot's
     * memory, written without another copy), the rest in the metadata; the keys
     * {@link #stateDict} reads back.
     */
    private static void putOptimizer(StateDict sd, Map<String, SafeTensors.Entry> tensors,
            Map<String, String> meta) {
        meta.put("optimizer", sd.optimizer());
        meta.put("optimizer.groups", Integer.toString(sd.paramGroups().size()));
        for (int g = 0; g < sd.paramGroups().size(); g++) {
            StateDict.Group group = sd.paramGroups().get(g);
            String prefix = OPT + "group." + g + ".";
            // The optimizer's hyperparameters, then initial_lr, as the state dict orders them.
            group.hyperparameters().forEach((k, v) -> meta.put(prefix + k, Double.toString(v)));
            StringBuilder ids = new StringBuilder();
            for (int p : group.params()) {
                ids.append(ids.isEmpty() ? "" : ",").append(p);
                StateDict.ParamState ps = sd.state().get(p);
                meta.put(STATE + p + ".step", Long.toString(ps.step()));
                ps.buffers().forEach((name, b) -> tensors.put(STATE + p + "." + name, new SafeTensors.Entry(
                        SafeDtype.of(b.dtype()), Arrays.stream(b.shape()).asLongStream().toArray(), b.data())));
            }
            meta.put(prefix + "params", ids.toString());
        }
    }

    /**
     * A check of a checkpoint's position against the run that resumes from it (say, that its
     * batch exists in this run's epochs), made before anything is restored.
     */
    @FunctionalInterface
    public interface PositionCheck {
        /** Throws, naming what does not fit, when the run cannot continue from {@code position}. */
        void check(Position position) throws IOException;
    }

    /**
     * Restores {@code model} and {@code optimizer} from {@code file} and returns the position; see
     * {@link #load(Path, Module, Optimizer, Map, LossScaling, PositionCheck)}.
     */
    public static Position load(Path file, Module model, Optimizer optimizer, Map<String, String> expect)
            throws IOException {
        return load(file, model, optimizer, expect, null, position -> { });
    }

    /**
     * {@link #load(Path, Module, Optimizer, Map)} that also restores {@code scaling} (may be null)
     * from the checkpoint's {@code loss_scale.*} metadata, checked with the rest before anything
     * changes.
     */
    public static Position load(Path file, Module model, Optimizer optimizer, Map<String, String> expect,
            LossScaling scaling) throws IOException {
        return load(file, model, optimizer, expect, scaling, position -> { });
    }

    /**
     * Restores {@code model}, {@code optimizer} and {@code scaling} (may be null) from {@code file}
     * and returns the position. The file must be a checkpoint whose metadata has the values of
     * {@code expect} (a different model or batch size is reported, not loaded) and whose position
     * {@code check} accepts.
     *
     * <p>All or nothing: the whole file is checked first (the position, the weights' names, dtypes
     * and shapes, the optimizer's name, groups, hyperparameters, within
     * {@link HyperparameterRanges}, steps and buffers, the loss scaler's state, the batch counts
     * and the generators), and only then is anything copied. A bad file is an {@link IOException}
     * with one line naming it and the field; the model, the optimizer and the scaling are then as
     * they were. The work before the first error is linear in the file's length: counts in the
     * metadata are compared with the model and optimizer before any loop runs over them. Fields
     * added after the first checkpoints ({@code planned_steps}, {@code loss_scale.*}) are optional.
     */
    public static Position load(Path file, Module model, Optimizer optimizer, Map<String, String> expect,
            LossScaling scaling, PositionCheck check) throws IOException {
        try {
            return checkThenApply(file, model, optimizer, expect, scaling, check);
        } catch (IOException e) {
            throw ModelFile.oneLine(e); // names and values from the file may hold line breaks
        }
    }

    private static Position checkThenApply(Path file, Module model, Optimizer optimizer, Map<String, String> expect,
            LossScaling scaling, PositionCheck check) throws IOException {
        String name = file.toString();
        try (Scope scope = Scope.open()) {
            SafeTensors.Contents c = SafeTensors.read(file, scope);
            Map<String, String> meta = c.metadata();
            if (!FORMAT.equals(meta.get("format"))) {
                throw new SafeTensorsException(name, "not an inertia checkpoint (metadata format is "
                        + quote(meta.get("format")) + ", expected \"" + FORMAT + "\")");
            }
            for (Map.Entry<String, String> e : expect.entrySet()) {
                if (!e.getValue().equals(meta.get(e.getKey()))) {
                    throw new IOException(name + ": checkpoint was written with " + e.getKey() + " "
                            + quote(meta.get(e.getKey())) + ", this run has " + quote(e.getValue()));
                }
            }
            Position position = position(meta, name);
            check.check(position);

            // ---- check everything, changing nothing ----
            Runnable restoreScaling = () -> { };
            if (scaling != null) {
                Map<String, String> saved = new LinkedHashMap<>();
                meta.forEach((k, v) -> {
                    if (k.startsWith(LOSS_SCALE)) {
                        saved.put(k.substring(LOSS_SCALE.length()), v);
                    }
                });
                try {
                    restoreScaling = scaling.restore(saved);
                } catch (IllegalArgumentException e) {
                    throw new SafeTensorsException(name, "checkpoint metadata " + e.getMessage());
                }
            }
            Map<BatchNorm, Long> tracked = new LinkedHashMap<>();
            Map<String, Boolean> counters = new LinkedHashMap<>();
            for (Map.Entry<String, Module> e : model.namedModules().entrySet()) {
                if (e.getValue() instanceof BatchNorm bn) {
                    String key = batchesTracked(e.getKey());
                    tracked.put(bn, batchCount(c.tensors().get(key), key, name));
                    counters.put(key, true);
                }
            }
            Map<String, Tensor> modelState = new LinkedHashMap<>();
            for (Map.Entry<String, SafeTensors.Entry> e : c.tensors().entrySet()) {
                if (!e.getKey().startsWith(OPT) && !counters.containsKey(e.getKey())) {
                    modelState.put(e.getKey(), tensor(e.getValue(), e.getKey(), name));
                }
            }
            checkModelState(modelState, model, name);
            StateDict sd = stateDict(c, meta, optimizer, name);
            try {
                optimizer.checkStateDict(sd);
            } catch (IllegalArgumentException e) {
                throw new IOException(name + ": does not fit this optimizer: " + e.getMessage(), e);
            }
            Map<Dropout, Long> rngs = new LinkedHashMap<>();
            for (Map.Entry<String, Module> e : model.namedModules().entrySet()) {
                if (e.getValue() instanceof Dropout d) {
                    rngs.put(d, number(meta, "rng." + e.getKey(), name));
                }
            }

            // ---- apply: every check above passed, so none of these throws ----
            model.loadStateDict(modelState);
            optimizer.loadStateDict(sd);
            rngs.forEach(Dropout::setRngState);
            tracked.forEach(BatchNorm::setNumBatchesTracked);
            restoreScaling.run();
            return position;
        }
    }

    /** The loop position of the metadata, each field in its range. */
    private static Position position(Map<String, String> meta, String name) throws IOException {
        int epoch = integer(meta, "epoch", name);
        long step = number(meta, "step", name);
        if (step < 0) {
            throw new SafeTensorsException(name, "checkpoint metadata 'step' is out of range: " + step);
        }
        double lossSum = real(meta, "epoch_loss_sum", name);
        if (!Double.isFinite(lossSum)) {
            throw new SafeTensorsException(name, "checkpoint metadata 'epoch_loss_sum' is not finite: " + lossSum);
        }
        long planned = meta.containsKey("planned_steps") ? number(meta, "planned_steps", name) : 0;
        if (planned < 0) {
            throw new SafeTensorsException(name, "checkpoint metadata 'planned_steps' is negative");
        }
        return new Position(epoch, integer(meta, "batch", name), step, lossSum, number(meta, "seed", name), planned);
    }

    /** Checks that {@code state} is exactly {@code model}'s state dict in names, dtypes and shapes. */
    private static void checkModelState(Map<String, Tensor> state, Module model, String file) throws IOException {
        Map<String, Tensor> mine = model.stateDict();
        for (Map.Entry<String, Tensor> e : mine.entrySet()) {
            Tensor src = state.get(e.getKey());
            if (src == null) {
                throw new IOException(file + ": does not fit this model: it lacks tensor '" + e.getKey() + "' ("
                        + e.getValue().describe() + ")");
            }
            if (src.dtype() != e.getValue().dtype() || !Arrays.equals(src.shape(), e.getValue().shape())) {
                throw new IOException(file + ": does not fit this model: tensor '" + e.getKey() + "' is "
                        + src.describe() + " in the file but " + e.getValue().describe() + " in the model");
            }
        }
        List<String> extra = new ArrayList<>();
        for (String k : state.keySet()) {
            if (!mine.containsKey(k)) {
                extra.add(k);
            }
        }
        if (!extra.isEmpty()) {
            throw new IOException(file + ": does not fit this model: it has tensors the model lacks: " + extra);
        }
    }

    /** The checkpoint name of the batch count of the batch norm called {@code module}. */
    private static String batchesTracked(String module) {
        return module.isEmpty() ? TRACKED : module + "." + TRACKED;
    }

    /**
     * A batch norm's {@code num_batches_tracked}: an int64 scalar (or one-element) tensor, as
     * PyTorch saves it; 0 when the file has none (a checkpoint written before it was kept).
     */
    private static long batchCount(SafeTensors.Entry e, String tensor, String file) throws SafeTensorsException {
        if (e == null) {
            return 0;
        }
        if (e.dtype() != SafeDtype.I64 || e.elementCount() != 1) {
            throw new SafeTensorsException(file, "tensor " + tensor + " is " + e.dtype()
                    + Arrays.toString(e.shape()) + ", expected an I64 scalar");
        }
        long n = e.toLongArray()[0];
        if (n < 0) {
            throw new SafeTensorsException(file, "tensor " + tensor + " is negative: " + n);
        }
        return n;
    }

    /**
     * The optimizer's state dict of the file. The group count and each group's parameter count
     * are compared with {@code optimizer}'s before anything is read per group or parameter, so a
     * hostile count (2^31 - 1 groups) costs nothing; hyperparameters are range-checked.
     */
    private static StateDict stateDict(SafeTensors.Contents c, Map<String, String> meta, Optimizer optimizer,
            String name) throws IOException {
        int groups = integer(meta, "optimizer.groups", name);
        if (groups != optimizer.groups().size()) {
            throw new IOException(name + ": does not fit this optimizer: checkpoint metadata 'optimizer.groups' is "
                    + groups + ", this optimizer has " + optimizer.groups().size() + " parameter groups");
        }
        Map<Integer, Map<String, StateDict.Buffer>> buffers = buffersByParameter(c, optimizer.params().size(), name);
        List<StateDict.Group> gs = new ArrayList<>();
        Map<Integer, StateDict.ParamState> states = new LinkedHashMap<>();
        for (int g = 0; g < groups; g++) {
            String prefix = OPT + "group." + g + ".";
            Map<String, Double> hyper = new LinkedHashMap<>();
            for (Map.Entry<String, String> e : meta.entrySet()) {
                String k = e.getKey();
                if (k.startsWith(prefix) && !k.equals(prefix + "params")) {
                    String hp = k.substring(prefix.length());
                    double v = real(meta, k, name);
                    try {
                        HyperparameterRanges.check(hp, v);
                    } catch (IllegalArgumentException ex) {
                        throw new IOException(name + ": checkpoint metadata '" + k + "': " + ex.getMessage(), ex);
                    }
                    hyper.put(hp, v);
                }
            }
            String key = prefix + "params";
            String ids = meta.getOrDefault(key, "");
            int expected = optimizer.groups().get(g).params().size();
            // Count the commas first: the list is split only when its length is this group's.
            int count = ids.isEmpty() ? 0 : (int) ids.chars().filter(ch -> ch == ',').count() + 1;
            if (count != expected) {
                throw new IOException(name + ": does not fit this optimizer: checkpoint metadata '" + key + "' lists "
                        + count + " parameters, this optimizer's group " + g + " has " + expected);
            }
            String[] parts = ids.isEmpty() ? new String[0] : ids.split(",");
            int[] params = new int[parts.length];
            for (int i = 0; i < parts.length; i++) {
                try {
                    params[i] = Integer.parseInt(parts[i]);
                } catch (NumberFormatException e) {
                    throw new SafeTensorsException(name, "metadata " + key + " is not a list of indices");
                }
                int p = params[i];
                if (p < 0 || p >= optimizer.params().size() || states.containsKey(p)) {
                    throw new IOException(name + ": does not fit this optimizer: checkpoint metadata '" + key
                            + "' lists parameter " + p + (states.containsKey(p) ? " twice" : ", this optimizer has "
                            + optimizer.params().size()));
                }
                long step = number(meta, STATE + p + ".step", name);
                if (step < 0) {
                    throw new SafeTensorsException(name, "checkpoint metadata '" + STATE + p + ".step' is out of"
                            + " range: " + step);
                }
                states.put(p, new StateDict.ParamState(step, buffers.getOrDefault(p, Map.of())));
            }
            gs.add(new StateDict.Group(hyper, params));
        }
        for (Integer p : buffers.keySet()) {
            if (!states.containsKey(p)) {
                throw new IOException(name + ": does not fit this optimizer: it has state tensors of parameter " + p
                        + ", which no group lists");
            }
        }
        return new StateDict(meta.getOrDefault("optimizer", "?"), gs, states);
    }

    /**
     * The optimizer's buffers of the file by parameter index, in one pass over the tensors;
     * indices beyond the optimizer's {@code parameters} are an error.
     */
    private static Map<Integer, Map<String, StateDict.Buffer>> buffersByParameter(SafeTensors.Contents c,
            int parameters, String name) throws IOException {
        Map<Integer, Map<String, StateDict.Buffer>> out = new LinkedHashMap<>();
        for (Map.Entry<String, SafeTensors.Entry> e : c.tensors().entrySet()) {
            String key = e.getKey();
            if (!key.startsWith(STATE)) {
                if (key.startsWith(OPT)) {
                    throw new IOException(name + ": tensor '" + key + "' is not an optimizer state tensor"
                            + " (optimizer.state.<parameter>.<buffer>)");
                }
                continue;
            }
            int dot = key.indexOf('.', STATE.length());
            int p;
            try {
                p = dot < 0 ? -1 : Integer.parseInt(key, STATE.length(), dot, 10);
            } catch (NumberFormatException ex) {
                p = -1;
            }
            if (p < 0 || p >= parameters) {
                throw new IOException(name + ": does not fit this optimizer: tensor '" + key + "' is not the state"
                        + " of one of its " + parameters + " parameters");
            }
            out.computeIfAbsent(p, k -> new LinkedHashMap<>()).put(key.substring(dot + 1),
                    buffer(e.getValue(), key, name));
        }
        return out;
    }

    private static Tensor tensor(SafeTensors.Entry e, String tensor, String file) throws SafeTensorsException {
        if (e.dtype() != SafeDtype.F32 && e.dtype() != SafeDtype.F64) {
            throw new SafeTensorsException(file, "tensor " + tensor + " is " + e.dtype() + ", expected F32 or F64");
        }
        return e.toTensor();
    }

    /** A state-dict buffer over a tensor of the file (no copy: loading copies it once, into the state). */
    private static StateDict.Buffer buffer(SafeTensors.Entry e, String tensor, String file)
            throws SafeTensorsException {
        Tensor t = tensor(e, tensor, file);
        return new StateDict.Buffer(t.dtype(), t.shape(), e.data());
    }

    private static String quote(String s) {
        return s == null ? "(none)" : "\"" + s + "\"";
    }

    private static String required(Map<String, String> meta, String key, String file) throws SafeTensorsException {
        String v = meta.get(key);
        if (v == null) {
            throw new SafeTensorsException(file, "checkpoint metadata lacks '" + key + "'");
        }
        return v;
    }

    private static int integer(Map<String, String> meta, String key, String file) throws SafeTensorsException {
        long v = number(meta, key, file);
        if (v < 0 || v > Integer.MAX_VALUE) {
            throw new SafeTensorsException(file, "checkpoint metadata '" + key + "' is out of range: " + v);
        }
        return (int) v;
    }

    private static long number(Map<String, String> meta, String key, String file) throws SafeTensorsException {
        String v = required(meta, key, file);
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new SafeTensorsException(file, "checkpoint metadata '" + key + "' is not an integer: " + quote(v));
        }
    }

    private static double real(Map<String, String> meta, String key, String file) throws SafeTensorsException {
        String v = required(meta, key, file);
        try {
            return Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new SafeTensorsException(file, "checkpoint metadata '" + key + "' is not a number: " + quote(v));
        }
    }
}
