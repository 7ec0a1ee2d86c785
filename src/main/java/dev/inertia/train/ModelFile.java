package dev.inertia.train;

import dev.inertia.data.FeatureTransform;
import dev.inertia.data.Normalization;
import dev.inertia.data.Scaling;
import dev.inertia.io.Json;
import dev.inertia.io.JsonParser;
import dev.inertia.io.SafeDtype;
import dev.inertia.io.SafeTensors;
import dev.inertia.memory.DType;
import dev.inertia.memory.Scope;
import dev.inertia.memory.Tensor;
import dev.inertia.nn.BatchNorm;
import dev.inertia.nn.Module;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A trained model in one safetensors file, without optimizer state: what prediction needs.
 *
 * <p><b>Tensors:</b> the model's state dict under its PyTorch names ({@code 0.weight},
 * {@code 0.bias}, ...) and each batch norm's {@code num_batches_tracked} as the int64 scalar
 * PyTorch keeps, exactly as {@link Checkpoint} writes them, so
 * {@code model.load_state_dict(safetensors.torch.load_file(f))} loads the file into the same
 * architecture in PyTorch.
 *
 * <p><b>Metadata</b> (safetensors metadata is string to string; structured values are JSON, and
 * doubles are written with {@link Double#toString}, which reads back to the same bits):
 * <table>
 * <caption>metadata keys</caption>
 * <tr><td>{@code format}</td><td>{@code inertia-model-1}</td></tr>
 * <tr><td>{@code architecture}</td><td>the {@link Architecture} spec; absent when the model has a
 *     module of one's own (load its weights with {@link #loadWeights})</td></tr>
 * <tr><td>{@code dtype}</td><td>{@code F32} or {@code F64}</td></tr>
 * <tr><td>{@code task}</td><td>{@code classification} or {@code regression}</td></tr>
 * <tr><td>{@code class_names}, {@code feature_names}</td><td>JSON arrays of strings</td></tr>
 * <tr><td>{@code example_shape}</td><td>JSON array of integers, like {@code [1,28,28]}</td></tr>
 * <tr><td>{@code flatten_input}</td><td>{@code true} or {@code false}</td></tr>
 * <tr><td>{@code output_width}</td><td>an integer</td></tr>
 * <tr><td>{@code transform}</td><td>{@code {"type":"identity"}},
 *     {@code {"type":"normalization","mean":m,"std":s}} or
 *     {@code {"type":"scaling","kind":"standardize","center":[...],"spread":[...]}}</td></tr>
 * </table>
 *
 * <p>Writing is atomic ({@link SafeTensors#write}: a temporary file renamed over the target), and
 * everything is checked before the file is touched. Reading checks the whole file before it
 * copies anything into a model, and costs no more than the file's length: the architecture is
 * built only once it is known to need at most twice the tensor elements the file holds, plus
 * 1 Mi ({@link Architecture#build(String, Scope, DType, long)}): a file that is not a model file, lacks a metadata key or holds
 * weights that do not fit is an {@link IOException} whose one-line message names the file and
 * the problem (the key, or the tensor and both shapes).
 */
public final class ModelFile {
    /** The metadata value of {@code format}. */
    public static final String FORMAT = "inertia-model-1";

    static final String KEY_FORMAT = "format";
    static final String KEY_ARCHITECTURE = "architecture";
    static final String KEY_DTYPE = "dtype";
    static final String KEY_TASK = "task";
    static final String KEY_CLASS_NAMES = "class_names";
    static final String KEY_FEATURE_NAMES = "feature_names";
    static final String KEY_EXAMPLE_SHAPE = "example_shape";
    static final String KEY_FLATTEN_INPUT = "flatten_input";
    static final String KEY_OUTPUT_WIDTH = "output_width";
    static final String KEY_TRANSFORM = "transform";
    private static final String TRACKED = "num_batches_tracked";

    private ModelFile() {}

    // ---- saving -----------------------------------------------------------------------------

    /**
     * Writes {@code model}'s weights and {@code info} to {@code file}, atomically. A model built
     * only from modules {@link Architecture} knows is stored with its architecture, so
     * {@link #load} rebuilds it; any other model is stored weights-only, for {@link #loadWeights}.
     *
     * @throws IllegalArgumentException when the transform is of a class model files cannot store
     *                                  (naming it) or the model mixes F32 and F64 tensors; the
     *                                  file is not touched then
     */
    public static void save(Path file, Module model, ModelInfo info) throws IOException {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(info, "info");
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put(KEY_FORMAT, FORMAT);
        if (Architecture.isDescribable(model)) {
            meta.put(KEY_ARCHITECTURE, Architecture.describe(model));
        }
        meta.put(KEY_DTYPE, dtypeOf(model).name());
        meta.put(KEY_TASK, info.task().label());
        meta.put(KEY_CLASS_NAMES, stringArray(info.classNames()));
        meta.put(KEY_FEATURE_NAMES, stringArray(info.featureNames()));
        StringBuilder shape = new StringBuilder("[");
        for (int d : info.exampleShape()) {
            shape.append(shape.length() == 1 ? "" : ",").append(d);
        }
        meta.put(KEY_EXAMPLE_SHAPE, shape.append(']').toString());
        meta.put(KEY_FLATTEN_INPUT, Boolean.toString(info.flattenInput()));
        meta.put(KEY_OUTPUT_WIDTH, Integer.toString(info.outputWidth()));
        meta.put(KEY_TRANSFORM, encodeTransform(info.transform()));

        Map<String, SafeTensors.Entry> tensors = new LinkedHashMap<>();
        model.stateDict().forEach((name, t) -> tensors.put(name, SafeTensors.Entry.of(t)));
        model.namedModules().forEach((name, m) -> {
            if (m instanceof BatchNorm bn) {
                // a scalar (shape []), as torch saves it
                tensors.put(batchesTracked(name), new SafeTensors.Entry(SafeDtype.I64, new long[0],
                        MemorySegment.ofArray(new long[] {bn.numBatchesTracked()})));
            }
        });
        SafeTensors.write(file, tensors, meta);
    }

    /** The one dtype of the model's tensors (F32 when it has none). */
    private static DType dtypeOf(Module model) {
        DType dtype = null;
        for (Map.Entry<String, Tensor> e : model.stateDict().entrySet()) {
            DType d = e.getValue().dtype();
            if (d != DType.F32 && d != DType.F64) {
                throw new IllegalArgumentException("tensor '" + e.getKey() + "' is " + d
                        + "; model files hold F32 or F64 models");
            }
            if (dtype != null && d != dtype) {
                throw new IllegalArgumentException("the model mixes " + dtype + " and " + d + " tensors ('"
                        + e.getKey() + "'); model files hold one dtype");
            }
            dtype = d;
        }
        return dtype == null ? DType.F32 : dtype;
    }

    /** The JSON of a transform model files know; the class of any other is named in the exception. */
    static String encodeTransform(FeatureTransform transform) {
        if (transform == FeatureTransform.IDENTITY) {
            return "{\"type\":\"identity\"}";
        }
        if (transform instanceof Normalization n) {
            return "{\"type\":\"normalization\",\"mean\":" + n.mean() + ",\"std\":" + n.std() + "}";
        }
        if (transform instanceof Scaling s) {
            return "{\"type\":\"scaling\",\"kind\":" + Json.quote(s.kind()) + ",\"center\":"
                    + numbers(s.center())
                    + ",\"spread\":" + numbers(s.spread()) + "}";
        }
        throw new IllegalArgumentException("model files cannot store the feature transform "
                + transform.getClass().getName() + " (they store FeatureTransform.IDENTITY, Normalization and Scaling)");
    }

    private static String numbers(double[] values) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < values.length; i++) {
            sb.append(i == 0 ? "" : ",").append(values[i]); // Double.toString: reads back to the same bits
        }
        return sb.append(']').toString();
    }

    private static String stringArray(List<String> values) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < values.size(); i++) {
            sb.append(i == 0 ? "" : ",").append(Json.quote(values.get(i)));
        }
        return sb.append(']').toString();
    }

    // ---- loading ----------------------------------------------------------------------------

    /**
     * Rebuilds the model of {@code file} from its architecture (in the saved dtype), loads its
     * weights and puts it in evaluation mode. The caller closes the result.
     *
     * @throws IOException naming the file and the problem when it cannot be read, is not a model
     *                     file (a training checkpoint, say), lacks a metadata key, holds weights
     *                     only (use {@link #loadWeights}) or weights that do not fit its architecture
     */
    public static LoadedModel load(Path file) throws IOException {
        try {
            return build(file);
        } catch (IOException e) {
            throw oneLine(e); // names and values from the file may hold line breaks
        }
    }

    /**
     * {@code e}, or when its message has control characters (a tensor name or metadata value of
     * the file may hold a line break), an IOException with them escaped: a message is one line.
     */
    static IOException oneLine(IOException e) {
        String m = e.getMessage();
        if (m == null || Json.oneLine(m).equals(m)) {
            return e;
        }
        return new IOException(Json.oneLine(m), e);
    }

    private static LoadedModel build(Path file) throws IOException {
        Objects.requireNonNull(file, "file");
        String name = file.toString();
        Scope scope = Scope.open();
        try (Scope reading = Scope.open()) {
            SafeTensors.Contents c = SafeTensors.read(file, reading);
            Map<String, String> meta = c.metadata();
            requireModelFile(meta, name);
            DType dtype = dtype(meta, name);
            ModelInfo info = info(meta, name);
            String spec = meta.get(KEY_ARCHITECTURE);
            if (spec == null) {
                throw new IOException(name + ": the model file holds weights only (its model had a module model"
                        + " files have no architecture spec for): construct the model and use ModelFile.loadWeights");
            }
            Module model;
            try {
                // Checked before anything is allocated: at most twice the elements the file's weights
                // hold, plus 1 Mi. Loose enough that a near miss is reported tensor by tensor below,
                // tight enough that what a file makes us allocate stays linear in its length.
                long held = 0;
                for (SafeTensors.Entry e : c.tensors().values()) {
                    held += e.elementCount();
                }
                model = Architecture.build(spec, scope, dtype, 2 * held + (1 << 20));
            } catch (IllegalArgumentException e) {
                throw new IOException(name + ": " + e.getMessage(), e);
            }
            copyWeights(c, model, name);
            model.eval();
            return new LoadedModel(file, scope, model, info, dtype, spec);
        } catch (IOException | RuntimeException e) {
            scope.close();
            throw e;
        }
    }

    /**
     * Loads the weights of {@code file} into {@code into}, a model the caller constructed (a
     * custom {@link Module} saved weights-only, or any model of the saved architecture), by
     * tensor name, and returns the file's {@link ModelInfo}. The module's mode is left as it is.
     *
     * @throws IOException naming the file and the problem: not a model file, a metadata key
     *                     missing, or a tensor missing, extra, or of another dtype or shape (both
     *                     named); {@code into} is unchanged then
     */
    public static ModelInfo loadWeights(Path file, Module into) throws IOException {
        try {
            return checkThenCopy(file, into);
        } catch (IOException e) {
            throw oneLine(e);
        }
    }

    private static ModelInfo checkThenCopy(Path file, Module into) throws IOException {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(into, "into");
        String name = file.toString();
        try (Scope reading = Scope.open()) {
            SafeTensors.Contents c = SafeTensors.read(file, reading);
            requireModelFile(c.metadata(), name);
            dtype(c.metadata(), name);
            ModelInfo info = info(c.metadata(), name);
            copyWeights(c, into, name);
            return info;
        }
    }

    private static void requireModelFile(Map<String, String> meta, String file) throws IOException {
        String format = meta.get(KEY_FORMAT);
        if (FORMAT.equals(format)) {
            return;
        }
        if (Checkpoint.FORMAT.equals(format)) {
            throw new IOException(file + ": is a training checkpoint (format \"" + Checkpoint.FORMAT
                    + "\"), not a model file (\"" + FORMAT + "\"): resume training from it, or save a model file");
        }
        throw new IOException(file + ": not an inertia model file (metadata format is "
                + (format == null ? "absent" : "\"" + format + "\"") + ", expected \"" + FORMAT + "\")");
    }

    /**
     * Checks that {@code c}'s tensors are exactly {@code into}'s state dict (same names, dtypes and
     * shapes) plus one valid {@code num_batches_tracked} per batch norm, then copies them, each
     * once. Nothing is copied unless everything fits.
     */
    private static void copyWeights(SafeTensors.Contents c, Module into, String file) throws IOException {
        Map<String, Tensor> mine = into.stateDict();
        for (Map.Entry<String, Tensor> e : mine.entrySet()) {
            SafeTensors.Entry src = c.tensors().get(e.getKey());
            Tensor dst = e.getValue();
            if (src == null) {
                throw new IOException(file + ": lacks tensor '" + e.getKey() + "' of the model (" + dst.describe()
                        + ")");
            }
            long[] shape = Arrays.stream(dst.shape()).asLongStream().toArray();
            if (src.dtype() != SafeDtype.of(dst.dtype()) || !Arrays.equals(src.shape(), shape)) {
                throw new IOException(file + ": tensor '" + e.getKey() + "' is " + src + " in the file but "
                        + dst.describe() + " in the model");
            }
        }
        Map<BatchNorm, Long> tracked = new LinkedHashMap<>();
        List<String> counters = new ArrayList<>();
        for (Map.Entry<String, Module> e : into.namedModules().entrySet()) {
            if (e.getValue() instanceof BatchNorm bn) {
                String key = batchesTracked(e.getKey());
                counters.add(key);
                tracked.put(bn, batchCount(c.tensors().get(key), key, file));
            }
        }
        List<String> extra = new ArrayList<>();
        for (String k : c.tensors().keySet()) {
            if (!mine.containsKey(k) && !counters.contains(k)) {
                extra.add(k);
            }
        }
        if (!extra.isEmpty()) {
            throw new IOException(file + ": has tensors the model lacks: " + extra);
        }
        mine.forEach((k, t) -> c.tensors().get(k).copyTo(t));
        tracked.forEach(BatchNorm::setNumBatchesTracked);
    }

    /** The file name of the batch count of the batch norm called {@code module}. */
    private static String batchesTracked(String module) {
        return module.isEmpty() ? TRACKED : module + "." + TRACKED;
    }

    /** An int64 scalar (or one-element) count, as PyTorch saves it; 0 when absent (a state dict without it). */
    private static long batchCount(SafeTensors.Entry e, String tensor, String file) throws IOException {
        if (e == null) {
            return 0;
        }
        if (e.dtype() != SafeDtype.I64 || e.elementCount() != 1) {
            throw new IOException(file + ": tensor '" + tensor + "' is " + e + ", expected an I64 scalar");
        }
        long n = e.toLongArray()[0];
        if (n < 0) {
            throw new IOException(file + ": tensor '" + tensor + "' is negative: " + n);
        }
        return n;
    }

    // ---- metadata ---------------------------------------------------------------------------

    private static DType dtype(Map<String, String> meta, String file) throws IOException {
        String v = required(meta, KEY_DTYPE, file);
        return switch (v) {
            case "F32" -> DType.F32;
            case "F64" -> DType.F64;
            default -> throw new IOException(file + ": model file metadata '" + KEY_DTYPE + "' is \"" + v
                    + "\", expected F32 or F64");
        };
    }

    /** The {@link ModelInfo} of the metadata; every key must be there and valid. */
    static ModelInfo info(Map<String, String> meta, String file) throws IOException {
        ModelInfo.Task task;
        try {
            task = ModelInfo.Task.parse(required(meta, KEY_TASK, file));
        } catch (IllegalArgumentException e) {
            throw badValue(KEY_TASK, e, file);
        }
        List<String> classNames = strings(meta, KEY_CLASS_NAMES, file);
        List<String> featureNames = strings(meta, KEY_FEATURE_NAMES, file);
        int[] exampleShape = integers(meta, KEY_EXAMPLE_SHAPE, file);
        String flatten = required(meta, KEY_FLATTEN_INPUT, file);
        if (!flatten.equals("true") && !flatten.equals("false")) {
            throw new IOException(file + ": model file metadata '" + KEY_FLATTEN_INPUT + "' is \"" + flatten
                    + "\", expected true or false");
        }
        String width = required(meta, KEY_OUTPUT_WIDTH, file);
        int outputWidth;
        try {
            outputWidth = Integer.parseInt(width);
        } catch (NumberFormatException e) {
            throw new IOException(file + ": model file metadata '" + KEY_OUTPUT_WIDTH + "' is \"" + width
                    + "\", not an integer", e);
        }
        FeatureTransform transform;
        try {
            transform = decodeTransform(required(meta, KEY_TRANSFORM, file));
        } catch (IllegalArgumentException e) {
            throw badValue(KEY_TRANSFORM, e, file);
        }
        try {
            return new ModelInfo(task, classNames, featureNames, exampleShape, Boolean.parseBoolean(flatten),
                    outputWidth, transform);
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw new IOException(file + ": model file metadata is inconsistent: " + e.getMessage(), e);
        }
    }

    /** The transform of {@link #encodeTransform}'s JSON; the fixed normalizations come back as their constants. */
    static FeatureTransform decodeTransform(String json) {
        Map<?, ?> object = object(JsonParser.parse(json), "the transform");
        Object type = object.get("type");
        if ("identity".equals(type)) {
            return FeatureTransform.IDENTITY;
        }
        if ("normalization".equals(type)) {
            Normalization n = new Normalization(real(object.get("mean"), "mean"), real(object.get("std"), "std"));
            // the constants carry lookup tables; equal values give equal results either way
            return n.equals(Normalization.FASHION_MNIST) ? Normalization.FASHION_MNIST
                    : n.equals(Normalization.UNIT) ? Normalization.UNIT : n;
        }
        if ("scaling".equals(type)) {
            if (!(object.get("kind") instanceof String kind)) {
                throw new IllegalArgumentException("the scaling has no string \"kind\"");
            }
            return new Scaling(kind, reals(object.get("center"), "center"), reals(object.get("spread"), "spread"));
        }
        throw new IllegalArgumentException("unknown transform type " + (type == null ? "(none)" : "\"" + type + "\"")
                + ": expected identity, normalization or scaling");
    }

    private static Map<?, ?> object(Object v, String what) {
        if (!(v instanceof Map<?, ?> m)) {
            throw new IllegalArgumentException(what + " is not a JSON object");
        }
        return m;
    }

    private static double real(Object v, String field) {
        if (v instanceof Double d) {
            return d;
        }
        if (v instanceof Long l) {
            return l;
        }
        throw new IllegalArgumentException("\"" + field + "\" is " + v + ", not a number");
    }

    private static double[] reals(Object v, String field) {
        if (!(v instanceof List<?> list)) {
            throw new IllegalArgumentException("\"" + field + "\" is not a list of numbers");
        }
        double[] out = new double[list.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = real(list.get(i), field + "[" + i + "]");
        }
        return out;
    }

    private static List<String> strings(Map<String, String> meta, String key, String file) throws IOException {
        List<?> list = list(meta, key, file);
        List<String> out = new ArrayList<>(list.size());
        for (Object o : list) {
            if (!(o instanceof String s)) {
                throw new IOException(file + ": model file metadata '" + key + "' holds " + o + ", not a string");
            }
            out.add(s);
        }
        return out;
    }

    private static int[] integers(Map<String, String> meta, String key, String file) throws IOException {
        List<?> list = list(meta, key, file);
        int[] out = new int[list.size()];
        for (int i = 0; i < out.length; i++) {
            if (!(list.get(i) instanceof Long l) || l < 1 || l > Integer.MAX_VALUE) {
                throw new IOException(file + ": model file metadata '" + key + "' holds " + list.get(i)
                        + ", not a positive int");
            }
            out[i] = (int) (long) l;
        }
        return out;
    }

    private static List<?> list(Map<String, String> meta, String key, String file) throws IOException {
        String v = required(meta, key, file);
        Object parsed;
        try {
            parsed = JsonParser.parse(v);
        } catch (IllegalArgumentException e) {
            throw badValue(key, e, file);
        }
        if (!(parsed instanceof List<?> list)) {
            throw new IOException(file + ": model file metadata '" + key + "' is not a JSON array");
        }
        return list;
    }

    private static String required(Map<String, String> meta, String key, String file) throws IOException {
        String v = meta.get(key);
        if (v == null) {
            throw new IOException(file + ": model file metadata lacks '" + key + "'");
        }
        return v;
    }

    private static IOException badValue(String key, IllegalArgumentException e, String file) {
        return new IOException(file + ": model file metadata '" + key + "' is invalid: " + e.getMessage(), e);
    }
}
