package dev.inertia.train;

import dev.inertia.io.Json;
import dev.inertia.io.JsonParser;
import dev.inertia.memory.DType;
import dev.inertia.memory.Scope;
import dev.inertia.nn.AvgPool2d;
import dev.inertia.nn.BatchNorm1d;
import dev.inertia.nn.BatchNorm2d;
import dev.inertia.nn.Conv2d;
import dev.inertia.nn.Dropout;
import dev.inertia.nn.Flatten;
import dev.inertia.nn.GlobalAvgPool2d;
import dev.inertia.nn.Hardtanh;
import dev.inertia.nn.LayerNorm;
import dev.inertia.nn.LeakyReLU;
import dev.inertia.nn.Linear;
import dev.inertia.nn.LogSoftmax;
import dev.inertia.nn.MaxPool2d;
import dev.inertia.nn.Module;
import dev.inertia.nn.ReLU;
import dev.inertia.nn.ReLU6;
import dev.inertia.nn.Rescale;
import dev.inertia.nn.Residual;
import dev.inertia.nn.Sequential;
import dev.inertia.nn.Softmax;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.ToLongFunction;
import java.util.random.RandomGenerator;

/**
 * A model's architecture as a JSON spec, so that a model file can rebuild the module its weights
 * belong to: {@link #describe} writes the spec of a model built from the {@code nn} modules
 * (nested {@link Sequential}s allowed), {@link #build} constructs a fresh model from it whose
 * {@link Module#stateDict()} has the same names, dtypes and shapes.
 *
 * <pre>{@code
 * {"format":"inertia-architecture-1","type":"Sequential","layers":[
 *   {"type":"Linear","in":64,"out":64,"bias":true},{"type":"ReLU"},
 *   {"type":"Dropout","p":0.5},{"type":"Linear","in":64,"out":10,"bias":true}]}
 * }</pre>
 *
 * <p>Each module is an object with its {@code "type"} and one field per constructor argument
 * (integers, JSON numbers written with {@link Double#toString} so they read back to the same
 * bits, booleans, nested modules or lists of them). The root object also carries
 * {@code "format"}; its {@code "type"} may be left out and then means {@code Sequential}. Fields
 * that a kind does not know are rejected, so a misspelt field is an error rather than a default.
 *
 * <p><b>Not stored:</b> kink policies ({@link ReLU}'s and {@link MaxPool2d}'s own {@code Kinks})
 * are a training-time choice of which element of the conservative gradient backpropagation
 * returns; they do not change forward values, so a built model uses the tape's policy
 * ({@code Kinks.defaults()} unless the caller's tape says otherwise). A {@link Dropout}'s seed only
 * matters in training; a built one is seeded 0. Weights are initialized from a fixed seed only
 * because the constructors require it: a model file overwrites them.
 *
 * <p><b>How to add a layer to model files:</b> add one entry to {@code KINDS} in this class:
 * <pre>{@code
 * kind("LayerNorm", LayerNorm.class,
 *         (m, out) -> out.integer("normalized_size", m.normalizedSize()).real("eps", m.eps()),
 *         in -> new LayerNorm(in.scope(), in.dtype(), in.integer("normalized_size"), in.real("eps")),
 *         in -> elements(2, in.integer("normalized_size"))),
 * }</pre>
 * The writer puts every constructor argument the module needs (add a public getter to the
 * module where it lacks one); the reader calls the constructor with the same fields; the last
 * function counts the elements of the state-dict tensors the constructor allocates (weights and
 * buffers), from the same fields, so that a spec read from a file is checked against the
 * weights the file holds before anything is allocated ({@code ArchitectureTest} compares it
 * with the built module for every kind; a kind without tensors has {@code in -> 0L}). A layer
 * without arguments is {@code simple("Softmax", Softmax.class, Softmax::new)}; one wrapping
 * another module writes {@code out.module("body", m.body())}, reads {@code in.module("body")}
 * and counts {@code in.elementsOfModule("body")} (lists: {@code out.modules} / {@code in.modules}
 * / {@code in.elementsOfModules}). The type name is the class's simple name;
 * the field names are snake_case. Constructor checks need no repeating: their
 * {@link IllegalArgumentException}s are reported with the spec location.
 */
public final class Architecture {
    /** The value of the root's {@code "format"}. */
    public static final String FORMAT = "inertia-architecture-1";

    /** Every module kind model files know: type name, class, writer and reader (see the class javadoc). */
    private static final List<Kind<?>> KINDS = List.of(
            kind("Sequential", Sequential.class,
                    (m, out) -> out.modules("layers", m.layers()),
                    in -> new Sequential(in.modules("layers").toArray(Module[]::new)),
                    in -> in.elementsOfModules("layers")),
            kind("Linear", Linear.class,
                    (m, out) -> out.integer("in", m.in()).integer("out", m.out()).bool("bias", m.bias() != null),
                    in -> new Linear(in.scope(), in.dtype(), in.integer("in"), in.integer("out"), in.bool("bias"),
                            in.random()),
                    in -> elements(in.integer("out"), in.integer("in")) + (in.bool("bias") ? in.integer("out") : 0)),
            kind("Conv2d", Conv2d.class,
                    (m, out) -> out.integer("in", m.in()).integer("out", m.out()).integer("kernel", m.kernel())
                            .integer("stride", m.stride()).integer("padding", m.padding())
                            .bool("bias", m.bias() != null),
                    in -> new Conv2d(in.scope(), in.dtype(), in.integer("in"), in.integer("out"),
                            in.integer("kernel"), in.integer("stride"), in.integer("padding"), in.bool("bias"),
                            in.random()),
                    in -> elements(in.integer("out"), in.integer("in"), in.integer("kernel"), in.integer("kernel"))
                            + (in.bool("bias") ? in.integer("out") : 0)),
            kind("MaxPool2d", MaxPool2d.class,
                    (m, out) -> out.integer("kernel", m.kernel()).integer("stride", m.stride())
                            .integer("padding", m.padding()),
                    in -> new MaxPool2d(in.integer("kernel"), in.integer("stride"), in.integer("padding"), null),
                    in -> 0L),
            kind("BatchNorm1d", BatchNorm1d.class,
                    (m, out) -> out.integer("features", m.features()).real("eps", m.eps())
                            .real("momentum", m.momentum()),
                    in -> new BatchNorm1d(in.scope(), in.dtype(), in.integer("features"), in.real("eps"),
                            in.real("momentum")),
                    in -> elements(4, in.integer("features"))),
            kind("BatchNorm2d", BatchNorm2d.class,
                    (m, out) -> out.integer("features", m.features()).real("eps", m.eps())
                            .real("momentum", m.momentum()),
                    in -> new BatchNorm2d(in.scope(), in.dtype(), in.integer("features"), in.real("eps"),
                            in.real("momentum")),
                    in -> elements(4, in.integer("features"))),
            kind("Dropout", Dropout.class,
                    (m, out) -> out.real("p", m.p()),
                    in -> new Dropout(in.scope(), in.real("p"), 0),
                    in -> 0L),
            kind("LeakyReLU", LeakyReLU.class,
                    (m, out) -> out.real("slope", m.slope()),
                    in -> new LeakyReLU(in.real("slope")),
                    in -> 0L),
            kind("AvgPool2d", AvgPool2d.class,
                    (m, out) -> out.integer("kernel", m.kernel()).integer("stride", m.stride())
                            .integer("padding", m.padding()),
                    in -> new AvgPool2d(in.integer("kernel"), in.integer("stride"), in.integer("padding")),
                    in -> 0L),
            kind("LayerNorm", LayerNorm.class,
                    (m, out) -> out.integer("normalized_size", m.normalizedSize()).real("eps", m.eps()),
                    in -> new LayerNorm(in.scope(), in.dtype(), in.integer("normalized_size"), in.real("eps")),
                    in -> elements(2, in.integer("normalized_size"))),
            kind("Residual", Residual.class,
                    (m, out) -> out.module("body", m.body()),
                    in -> new Residual(in.module("body")),
                    in -> in.elementsOfModule("body")),
            kind("Rescale", Rescale.class,
                    (m, out) -> out.integer("width", m.width()),
                    in -> new Rescale(in.scope(), in.dtype(), in.integer("width")),
                    in -> elements(2, in.integer("width"))),
            simple("GlobalAvgPool2d", GlobalAvgPool2d.class, GlobalAvgPool2d::new),
            simple("Softmax", Softmax.class, Softmax::new),
            simple("LogSoftmax", LogSoftmax.class, LogSoftmax::new),
            simple("ReLU", ReLU.class, ReLU::new),
            simple("ReLU6", ReLU6.class, ReLU6::new),
            simple("Hardtanh", Hardtanh.class, Hardtanh::new),
            simple("Flatten", Flatten.class, Flatten::new));

    private static final Map<Class<?>, Kind<?>> BY_CLASS = new LinkedHashMap<>();
    private static final Map<String, Kind<?>> BY_TYPE = new LinkedHashMap<>();

    static {
        for (Kind<?> k : KINDS) {
            if (BY_CLASS.put(k.moduleClass(), k) != null || BY_TYPE.put(k.type(), k) != null) {
                throw new ExceptionInInitializerError("two model-file kinds for " + k.type());
            }
        }
    }

    private Architecture() {}

    // ---- the registry's entries -------------------------------------------------------------

    /**
     * One module kind: its spec {@code type}, its class, how to write and read its fields, and how
     * many state-dict elements its reader would allocate, computed from the same fields without
     * allocating (so that a spec can be checked against the weights a file holds first).
     */
    private record Kind<M extends Module>(String type, Class<M> moduleClass, BiConsumer<M, Out> writer,
            Function<In, M> reader, ToLongFunction<In> elements) {
        void write(Module m, Out out) {
            writer.accept(moduleClass.cast(m), out);
        }
    }

    private static <M extends Module> Kind<M> kind(String type, Class<M> moduleClass, BiConsumer<M, Out> writer,
            Function<In, M> reader, ToLongFunction<In> elements) {
        return new Kind<>(type, moduleClass, writer, reader, elements);
    }

    /** A kind whose constructor takes no arguments (and allocates no tensors). */
    private static <M extends Module> Kind<M> simple(String type, Class<M> moduleClass,
            java.util.function.Supplier<M> constructor) {
        return new Kind<>(type, moduleClass, (m, out) -> { }, in -> constructor.get(), in -> 0L);
    }

    /** The product of {@code dims}, exactly (an overflow is an error). */
    private static long elements(long... dims) {
        long n = 1;
        for (long d : dims) {
            n = Math.multiplyExact(n, Math.max(d, 0));
        }
        return n;
    }

    /** The type names model files know, in registry order. */
    public static List<String> knownTypes() {
        return List.copyOf(BY_TYPE.keySet());
    }

    // ---- writing ----------------------------------------------------------------------------

    /**
     * Whether {@link #describe} accepts {@code model}: it and every descendant are of a kind
     * model files know.
     */
    public static boolean isDescribable(Module model) {
        for (Module m : model.namedModules().values()) {
            if (!BY_CLASS.containsKey(m.getClass())) {
                return false;
            }
        }
        return true;
    }

    /**
     * The JSON spec of {@code model}, one line.
     *
     * @throws IllegalArgumentException naming the module and its class when it, or a module inside
     *                                  it, has no spec (a Module subclass of one's own); such a
     *                                  model can still be saved weights-only by {@link ModelFile}
     */
    public static String describe(Module model) {
        Objects.requireNonNull(model, "model");
        StringBuilder json = new StringBuilder("{\"format\":");
        Json.quote(json, FORMAT);
        write(model, "", new Out(json, model, "", 1));
        return json.append('}').toString();
    }

    /** Writes {@code "type"} and the fields of {@code m} (called {@code name}) into {@code out}'s object. */
    private static void write(Module m, String name, Out out) {
        Kind<?> kind = BY_CLASS.get(m.getClass());
        if (kind == null) {
            throw new IllegalArgumentException((name.isEmpty() ? "the model" : "module '" + name + "'") + " is a "
                    + m.getClass().getName() + ", which model files have no spec for (they know " + knownTypes()
                    + "); save it weights-only and load the weights into an instance you construct");
        }
        Json.quote(out.key("type"), kind.type());
        kind.write(m, out);
    }

    /**
     * The fields of one module's spec object, appended in order. Writers chain these calls: each
     * is one field of the object being written.
     */
    private static final class Out {
        private final StringBuilder json;
        private final Module module;
        private final String name;
        /** Fields already in the object (the root starts with "format"): a comma goes before the next. */
        private int fields;

        private Out(StringBuilder json, Module module, String name, int fields) {
            this.json = json;
            this.module = module;
            this.name = name;
            this.fields = fields;
        }

        /** An integer field. */
        public Out integer(String field, long value) {
            key(field).append(value);
            return this;
        }

        /** A real field, written with {@link Double#toString} (finite values only: JSON has no others). */
        public Out real(String field, double value) {
            if (!Double.isFinite(value)) {
                throw new IllegalArgumentException("module '" + name + "' has " + field + " = " + value
                        + ", which a JSON spec cannot hold");
            }
            key(field).append(value);
            return this;
        }

        /** A boolean field. */
        public Out bool(String field, boolean value) {
            key(field).append(value);
            return this;
        }

        /** A string field. */
        public Out string(String field, String value) {
            Json.quote(key(field), value);
            return this;
        }

        /** A field holding one child module's spec. */
        public Out module(String field, Module child) {
            key(field);
            child(child);
            return this;
        }

        /** A field holding a list of child modules' specs. */
        public Out modules(String field, List<? extends Module> children) {
            key(field).append('[');
            for (int i = 0; i < children.size(); i++) {
                json.append(i == 0 ? "" : ",");
                child(children.get(i));
            }
            json.append(']');
            return this;
        }

        private void child(Module child) {
            String childName = childName(child);
            json.append('{');
            write(child, childName, new Out(json, child, childName, 0));
            json.append('}');
        }

        /** The child's dotted state-dict name, for messages. */
        private String childName(Module child) {
            for (Map.Entry<String, Module> e : module.children().entrySet()) {
                if (e.getValue() == child) {
                    return name.isEmpty() ? e.getKey() : name + "." + e.getKey();
                }
            }
            return name + ".?";
        }

        private StringBuilder key(String field) {
            json.append(fields++ == 0 ? "" : ",");
            return Json.quote(json, field).append(':');
        }
    }

    // ---- reading ----------------------------------------------------------------------------

    /**
     * A fresh model of {@code dtype} (F32 or F64) with the architecture of {@code spec}, its
     * tensors in {@code scope}, in training mode (as constructors leave modules).
     *
     * @throws IllegalArgumentException saying where and what when the spec is not JSON, has
     *                                  another format, names an unknown layer type, lacks a field, has one of
     *                                  the wrong type or an unknown one, or has values a constructor rejects
     */
    public static Module build(String spec, Scope scope, DType dtype) {
        return build(spec, scope, dtype, Long.MAX_VALUE);
    }

    /**
     * {@link #build(String, Scope, DType)}, refusing before it allocates anything a spec whose
     * state dict would have more than {@code maxElements} elements: a model file passes a bound
     * from the elements its weights hold, so a hostile spec ({@code Linear} 100000 by 100000 beside a
     * few bytes of weights) costs nothing.
     *
     * @throws IllegalArgumentException as {@link #build(String, Scope, DType)}, or naming both
     *                                  counts when the spec is larger than {@code maxElements}
     */
    public static Module build(String spec, Scope scope, DType dtype, long maxElements) {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(scope, "scope");
        if (dtype != DType.F32 && dtype != DType.F64) {
            throw new IllegalArgumentException("models are built in F32 or F64, not " + dtype);
        }
        Object root;
        try {
            root = JsonParser.parse(spec);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("architecture spec is not valid JSON: " + e.getMessage(), e);
        }
        if (!(root instanceof Map<?, ?> map)) {
            throw new IllegalArgumentException("architecture spec is not a JSON object");
        }
        Object format = map.get("format");
        if (!FORMAT.equals(format)) {
            throw new IllegalArgumentException("architecture spec has format "
                    + (format == null ? "(none)" : render(format)) + ", expected \"" + FORMAT + "\"");
        }
        Map<String, Object> fields = new LinkedHashMap<>();
        map.forEach((k, v) -> fields.put((String) k, v));
        fields.remove("format");
        fields.putIfAbsent("type", "Sequential");
        Context ctx = new Context(scope, dtype, new SplittableRandom(0));
        long elements = elements(fields, "", ctx);
        if (elements > maxElements) {
            throw new BadSpec("the model it describes has " + elements + " tensor elements, more than the "
                    + maxElements + " allowed");
        }
        return read(fields, "", ctx);
    }

    private record Context(Scope scope, DType dtype, RandomGenerator random) {
    }

    /** The kind of the spec object {@code fields} at {@code where}. */
    private static Kind<?> kindOf(Map<String, Object> fields, String where) {
        Object type = fields.get("type");
        if (!(type instanceof String typeName)) {
            throw new BadSpec(where + " has " + (type == null ? "no \"type\"" : "\"type\" " + render(type)
                    + ", not a string"));
        }
        Kind<?> kind = BY_TYPE.get(typeName);
        if (kind == null) {
            throw new BadSpec(where + " has unknown layer type \"" + typeName + "\" (model files know "
                    + knownTypes() + ")");
        }
        return kind;
    }

    /** The state-dict elements the module of {@code fields} at {@code path} would allocate, allocating nothing. */
    private static long elements(Map<String, Object> fields, String path, Context ctx) {
        String where = path.isEmpty() ? "the root" : path;
        Kind<?> kind = kindOf(fields, where);
        String at = where + " (" + kind.type() + ")";
        try {
            return kind.elements().applyAsLong(new In(fields, path, at, ctx));
        } catch (ArithmeticException e) {
            throw new BadSpec(at + " describes more tensor elements than a long counts");
        }
    }

    /**
     * Builds the module of the spec object {@code fields} at {@code path} (like
     * {@code layers[2].layers[0]}, empty for the root).
     */
    private static Module read(Map<String, Object> fields, String path, Context ctx) {
        String where = path.isEmpty() ? "the root" : path;
        Kind<?> kind = kindOf(fields, where);
        String typeName = kind.type();
        String at = where + " (" + typeName + ")";
        In in = new In(fields, path, at, ctx);
        Module m;
        try {
            m = kind.reader().apply(in);
        } catch (BadSpec e) {
            throw e;
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw new BadSpec(at + ": " + e.getMessage(), e);
        }
        Set<String> unknown = new HashSet<>(fields.keySet());
        unknown.removeAll(in.used);
        unknown.remove("type");
        if (!unknown.isEmpty()) {
            throw new BadSpec(at + " has fields " + new java.util.TreeSet<>(unknown) + " that " + typeName
                    + " does not take");
        }
        return m;
    }

    /**
     * The fields of one module's spec object, read by a kind's reader: each getter checks that the
     * field is there with the right JSON type and names it otherwise.
     */
    private static final class In {
        private final Map<String, Object> fields;
        private final String path;
        private final String where;
        private final Context ctx;
        private final Set<String> used = new HashSet<>();

        private In(Map<String, Object> fields, String path, String where, Context ctx) {
            this.fields = fields;
            this.path = path;
            this.where = where;
            this.ctx = ctx;
        }

        /** Where the model's tensors go. */
        public Scope scope() {
            return ctx.scope();
        }

        /** The dtype of the model's parameters. */
        public DType dtype() {
            return ctx.dtype();
        }

        /** A generator for constructors that initialize weights (the weights are loaded afterwards). */
        public RandomGenerator random() {
            return ctx.random();
        }

        /** An integer field that fits an int. */
        public int integer(String field) {
            Object v = get(field);
            if (v instanceof Long l && l >= Integer.MIN_VALUE && l <= Integer.MAX_VALUE) {
                return l.intValue();
            }
            throw wrong(field, v, v instanceof Long || v instanceof BigInteger ? "an integer in int range"
                    : "an integer");
        }

        /** A number field. */
        public double real(String field) {
            Object v = get(field);
            if (v instanceof Double d) {
                return d;
            }
            if (v instanceof Long l) {
                return l;
            }
            throw wrong(field, v, "a number");
        }

        /** A boolean field. */
        public boolean bool(String field) {
            Object v = get(field);
            if (v instanceof Boolean b) {
                return b;
            }
            throw wrong(field, v, "true or false");
        }

        /** A string field. */
        public String string(String field) {
            Object v = get(field);
            if (v instanceof String s) {
                return s;
            }
            throw wrong(field, v, "a string");
        }

        /** A field holding one module's spec, built. */
        public Module module(String field) {
            return child(get(field), prefix() + field);
        }

        /** A field holding a list of modules' specs, built in order. */
        public List<Module> modules(String field) {
            Object v = get(field);
            if (!(v instanceof List<?> list)) {
                throw wrong(field, v, "a list of modules");
            }
            List<Module> out = new ArrayList<>(list.size());
            for (int i = 0; i < list.size(); i++) {
                out.add(child(list.get(i), prefix() + field + "[" + i + "]"));
            }
            return out;
        }

        /** The elements of the module in {@code field}, as {@link #module} would build it. */
        public long elementsOfModule(String field) {
            return Architecture.elements(childFields(get(field), prefix() + field), prefix() + field, ctx);
        }

        /** The elements of the modules in the list {@code field}, as {@link #modules} would build them. */
        public long elementsOfModules(String field) {
            Object v = get(field);
            if (!(v instanceof List<?> list)) {
                throw wrong(field, v, "a list of modules");
            }
            long sum = 0;
            for (int i = 0; i < list.size(); i++) {
                String at = prefix() + field + "[" + i + "]";
                sum = Math.addExact(sum, Architecture.elements(childFields(list.get(i), at), at, ctx));
            }
            return sum;
        }

        private static Map<String, Object> childFields(Object spec, String at) {
            if (!(spec instanceof Map<?, ?> map)) {
                throw new BadSpec(at + " is " + render(spec) + ", not a module object");
            }
            Map<String, Object> childFields = new LinkedHashMap<>();
            map.forEach((k, v) -> childFields.put((String) k, v));
            return childFields;
        }

        private Module child(Object spec, String at) {
            return read(childFields(spec, at), at, ctx);
        }

        private String prefix() {
            return path.isEmpty() ? "" : path + ".";
        }

        private Object get(String field) {
            used.add(field);
            if (!fields.containsKey(field)) {
                throw new BadSpec(where + " lacks field \"" + field + "\"");
            }
            return fields.get(field);
        }

        private BadSpec wrong(String field, Object v, String expected) {
            return new BadSpec(where + ": field \"" + field + "\" is " + render(v) + ", expected " + expected);
        }
    }

    /** A short rendering of a parsed JSON value for messages. */
    private static String render(Object v) {
        if (v == null) {
            return "null";
        }
        if (v instanceof String s) {
            return Json.quote(s);
        }
        if (v instanceof Map<?, ?>) {
            return "an object";
        }
        if (v instanceof List<?>) {
            return "a list";
        }
        return v.toString();
    }

    /** A spec error already carrying its location, so enclosing modules do not prefix theirs. */
    private static final class BadSpec extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        BadSpec(String message) {
            super("architecture spec: " + message);
        }

        BadSpec(String message, Throwable cause) {
            super("architecture spec: " + message, cause);
        }
    }
}
