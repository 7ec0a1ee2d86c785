package dev.inertia.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.inertia.autodiff.Tape;
import dev.inertia.autodiff.Var;
import dev.inertia.data.FeatureTransform;
import dev.inertia.data.Normalization;
import dev.inertia.data.Scaling;
import dev.inertia.io.SafeDtype;
import dev.inertia.io.SafeTensors;
import dev.inertia.memory.DType;
import dev.inertia.memory.Scope;
import dev.inertia.memory.Tensor;
import dev.inertia.nn.BatchNorm1d;
import dev.inertia.nn.Dropout;
import dev.inertia.nn.LeakyReLU;
import dev.inertia.nn.Linear;
import dev.inertia.nn.Models;
import dev.inertia.nn.Module;
import dev.inertia.nn.Parameter;
import dev.inertia.nn.ReLU;
import dev.inertia.nn.Sequential;
import dev.inertia.optim.Optimizer;
import dev.inertia.optim.Param;
import dev.inertia.optim.SGD;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Model files: bit-exact round trips, the metadata, weights-only files and every error's message. */
class ModelFileTest {
    private static final List<String> TEN = List.of("t-shirt", "trouser", "pullover", "dress", "coat", "sandal",
            "shirt", "sneaker", "bag", "ankle boot");

    @TempDir
    Path dir;

    /** A fixed input of {@code shape} in {@code dtype}, seeded. */
    private static Tensor input(Scope scope, DType dtype, long seed, int... shape) {
        SplittableRandom r = new SplittableRandom(seed);
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = r.nextDouble(-1, 2);
        }
        Tensor t = Tensor.zeros(scope, dtype, shape);
        for (int i = 0; i < n; i++) {
            t.setDouble(i, x[i]);
        }
        return t;
    }

    /** The model's output on {@code x}, as doubles (exact for F32 too). */
    private static double[] forward(Module model, Tensor x) {
        try (Tape t = new Tape()) {
            Var y = model.forward(t.constant(x));
            return y.value().toDoubleArray();
        }
    }

    private static void assertBitIdentical(double[] expected, double[] actual) {
        assertEquals(expected.length, actual.length);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(Double.doubleToRawLongBits(expected[i]), Double.doubleToRawLongBits(actual[i]),
                    "output " + i + ": " + expected[i] + " vs " + actual[i]);
        }
    }

    @Test
    void mlpRoundTripsBitExactly() throws IOException {
        Path file = dir.resolve("mlp.safetensors");
        ModelInfo info = ModelInfo.classification(TEN, new int[] {1, 28, 28}, Normalization.FASHION_MNIST)
                .withFlattenInput(true);
        try (Scope scope = Scope.open()) {
            Sequential mlp = Models.mlp(scope, DType.F32, 1);
            mlp.eval();
            Tensor x = input(scope, DType.F32, 11, 3, 784);
            double[] expected = forward(mlp, x);
            ModelFile.save(file, mlp, info);
            try (LoadedModel loaded = ModelFile.load(file)) {
                assertFalse(loaded.module().isTraining(), "loaded in evaluation mode");
                assertEquals(info, loaded.info());
                assertSame(Normalization.FASHION_MNIST, loaded.info().transform(), "the constant, with its table");
                assertEquals(DType.F32, loaded.dtype());
                assertEquals(Architecture.describe(mlp), loaded.architecture());
                assertEquals(mlp.toString(), loaded.module().toString());
                assertBitIdentical(expected, forward(loaded.module(), x));
                assertArrayEquals(new int[] {784}, loaded.info().inputShape());
            }
        }
    }

    @Test
    void cnnRoundTripsBitExactly() throws IOException {
        Path file = dir.resolve("cnn.safetensors");
        ModelInfo info = ModelInfo.classification(TEN, new int[] {1, 28, 28}, Normalization.UNIT);
        try (Scope scope = Scope.open()) {
            Sequential cnn = Models.cnn(scope, DType.F32, 2);
            cnn.eval();
            Tensor x = input(scope, DType.F32, 12, 2, 1, 28, 28);
            double[] expected = forward(cnn, x);
            ModelFile.save(file, cnn, info);
            LoadedModel loaded = ModelFile.load(file);
            try (loaded) {
                assertEquals(info, loaded.info());
                assertFalse(loaded.info().flattenInput());
                assertBitIdentical(expected, forward(loaded.module(), x));
            }
            IllegalStateException closed = assertThrows(IllegalStateException.class, loaded::module);
            assertTrue(closed.getMessage().contains("was closed"), closed.getMessage());
        }
    }

    /** BatchNorm1d, Dropout, LeakyReLU and a nested Sequential. */
    private static Sequential mixed(Scope scope, DType dtype, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        return new Sequential(
                new Linear(scope, dtype, 5, 6, r),
                new BatchNorm1d(scope, dtype, 6, 1e-4, 0.3),
                new Sequential(new LeakyReLU(0.05), new Dropout(scope, 0.4, 77), new Linear(scope, dtype, 6, 4, r)),
                new ReLU(),
                new Linear(scope, dtype, 4, 2, false, r));
    }

    @Test
    void batchNormDropoutAndNestingRoundTripBitExactly() throws IOException {
        Path file = dir.resolve("mixed.safetensors");
        Scaling scaling = new Scaling(Scaling.STANDARDIZE, new double[] {0.1 + 0.2, -0.0, 1e-300, Math.PI, -7},
                new double[] {1.0 / 3, Double.MIN_VALUE, 5e307, Math.E, 1});
        ModelInfo info = ModelInfo.regression(2, new int[] {5}, scaling)
                .withFeatureNames(List.of("age", "height \"cm\"", "wei\\ght", "ünïcode", "tab\there"));
        try (Scope scope = Scope.open()) {
            Sequential model = mixed(scope, DType.F64, 4);
            Tensor batch = input(scope, DType.F64, 13, 8, 5);
            for (int i = 0; i < 3; i++) {
                forward(model, batch); // training mode: moves the running statistics
            }
            model.eval();
            Tensor x = input(scope, DType.F64, 14, 4, 5);
            double[] expected = forward(model, x);
            ModelFile.save(file, model, info);

            SafeTensors.Contents c = SafeTensors.read(file, scope);
            SafeTensors.Entry tracked = c.get("1.num_batches_tracked");
            assertEquals(SafeDtype.I64, tracked.dtype());
            assertEquals(0, tracked.shape().length, "a scalar, as torch saves it");
            assertEquals(3, tracked.toLongArray()[0]);
            assertEquals(List.of("0.weight", "0.bias", "1.weight", "1.bias", "1.running_mean", "1.running_var",
                    "2.2.weight", "2.2.bias", "4.weight"), List.copyOf(model.stateDict().keySet()));
            assertEquals(model.stateDict().size() + 1, c.tensors().size());
            Map<String, String> meta = c.metadata();
            assertEquals("inertia-model-1", meta.get("format"));
            assertEquals("F64", meta.get("dtype"));
            assertEquals("regression", meta.get("task"));
            assertEquals("[]", meta.get("class_names"));
            // io.Json escapes a tab the RFC 8259 short way (older files hold the 6-character escape; both read back).
            assertEquals("[\"age\",\"height \\\"cm\\\"\",\"wei\\\\ght\",\"ünïcode\",\"tab\\there\"]",
                    meta.get("feature_names"));
            assertEquals("[5]", meta.get("example_shape"));
            assertEquals("false", meta.get("flatten_input"));
            assertEquals("2", meta.get("output_width"));

            try (LoadedModel loaded = ModelFile.load(file)) {
                assertEquals(info, loaded.info());
                assertEquals(DType.F64, loaded.dtype());
                assertBitIdentical(expected, forward(loaded.module(), x));
                Sequential m = (Sequential) loaded.module();
                assertEquals(3, ((BatchNorm1d) m.layers().get(1)).numBatchesTracked());
                assertEquals(0.4, ((Dropout) ((Sequential) m.layers().get(2)).layers().get(1)).p());
            }
        }
    }

    @Test
    void transformsRoundTripBitExactly() throws IOException {
        double[] center = {0.1 + 0.2, -0.0, 1e-300, Math.PI, -Double.MAX_VALUE, 123456789.123456789};
        double[] spread = {1.0 / 3, Double.MIN_VALUE, Double.MAX_VALUE, Math.nextUp(1.0), 1e-310, 7};
        List<FeatureTransform> transforms = List.of(FeatureTransform.IDENTITY, Normalization.FASHION_MNIST,
                Normalization.UNIT, new Normalization(-0.1 - 0.2, Math.ulp(1.0)),
                new Scaling(Scaling.STANDARDIZE, center, spread), new Scaling(Scaling.MIN_MAX, spread, spread));
        for (FeatureTransform t : transforms) {
            FeatureTransform back = ModelFile.decodeTransform(ModelFile.encodeTransform(t));
            if (t == FeatureTransform.IDENTITY) {
                assertSame(t, back);
            } else if (t instanceof Normalization n) {
                Normalization m = (Normalization) back;
                assertEquals(Double.doubleToRawLongBits(n.mean()), Double.doubleToRawLongBits(m.mean()));
                assertEquals(Double.doubleToRawLongBits(n.std()), Double.doubleToRawLongBits(m.std()));
            } else {
                Scaling s = (Scaling) t, r = (Scaling) back;
                assertEquals(s.kind(), r.kind());
                for (int j = 0; j < s.features(); j++) {
                    assertEquals(Double.doubleToRawLongBits(s.center()[j]), Double.doubleToRawLongBits(r.center()[j]));
                    assertEquals(Double.doubleToRawLongBits(s.spread()[j]), Double.doubleToRawLongBits(r.spread()[j]));
                }
            }
        }
        // and through a file
        Path file = dir.resolve("scaled.safetensors");
        Scaling scaling = new Scaling(Scaling.MIN_MAX, center, spread);
        try (Scope scope = Scope.open()) {
            ModelFile.save(file, mixedSix(scope), ModelInfo.classification(List.of("a", "b"), new int[] {6}, scaling));
        }
        try (LoadedModel loaded = ModelFile.load(file)) {
            assertEquals(scaling, loaded.info().transform(), "Scaling.equals compares the arrays exactly");
        }
    }

    private static Sequential mixedSix(Scope scope) {
        return new Sequential(new Linear(scope, DType.F32, 6, 2, new SplittableRandom(1)));
    }

    /** A transform model files do not know. */
    record Clip(float max) implements FeatureTransform {
        @Override
        public void apply(float[] row, int offset, int length) {
            for (int i = offset; i < offset + length; i++) {
                row[i] = Math.min(row[i], max);
            }
        }
    }

    @Test
    void failedSavesLeaveTheExistingFileIntact() throws IOException {
        Path file = dir.resolve("model.safetensors");
        ModelInfo ok = ModelInfo.classification(List.of("a", "b"), new int[] {6}, FeatureTransform.IDENTITY);
        try (Scope scope = Scope.open()) {
            ModelFile.save(file, mixedSix(scope), ok);
        }
        byte[] before = Files.readAllBytes(file);

        try (Scope scope = Scope.open()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ModelFile.save(file,
                    mixedSix(scope), ModelInfo.classification(List.of("a", "b"), new int[] {6}, new Clip(3))));
            assertTrue(e.getMessage().contains(Clip.class.getName()), e.getMessage());
        }
        // a model whose memory was freed fails while the tensors are gathered
        Sequential freed;
        try (Scope scope = Scope.open()) {
            freed = mixedSix(scope);
        }
        assertThrows(IllegalStateException.class, () -> ModelFile.save(file, freed, ok));
        assertArrayEquals(before, Files.readAllBytes(file), "the previous file is intact");

        Path nowhere = dir.resolve("missing").resolve("model.safetensors");
        try (Scope scope = Scope.open()) {
            assertThrows(IOException.class, () -> ModelFile.save(nowhere, mixedSix(scope), ok));
        }
        assertFalse(Files.exists(nowhere.getParent()));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(file), files.toList(), "no temporary file left behind");
        }
    }

    /** A module of one's own: y = x · w + b elementwise, with its own parameter names. */
    static final class Affine extends Module {
        private final Parameter w, b;

        Affine(Scope scope, int n, long seed) {
            w = registerParameter("scale", Parameter.zeros(scope, DType.F32, n));
            b = registerParameter("shift", Parameter.zeros(scope, DType.F32, n));
            SplittableRandom r = new SplittableRandom(seed);
            for (int i = 0; i < n; i++) {
                w.value().setDouble(i, r.nextDouble());
                b.value().setDouble(i, r.nextDouble());
            }
        }

        @Override
        public Var forward(Var x) {
            return x.mul(w.on(x.tape())).add(b.on(x.tape()));
        }
    }

    @Test
    void customModulesSaveWeightsOnlyAndLoadIntoAFreshInstance() throws IOException {
        Path file = dir.resolve("custom.safetensors");
        ModelInfo info = ModelInfo.regression(3, new int[] {3}, FeatureTransform.IDENTITY);
        try (Scope scope = Scope.open()) {
            Sequential model = new Sequential(new Affine(scope, 3, 1), new ReLU());
            Tensor x = input(scope, DType.F32, 15, 2, 3);
            double[] expected = forward(model, x);
            ModelFile.save(file, model, info);
            assertNull(SafeTensors.read(file, scope).metadata().get("architecture"));

            IOException e = assertThrows(IOException.class, () -> ModelFile.load(file));
            assertTrue(e.getMessage().startsWith(file + ": the model file holds weights only"), e.getMessage());
            assertTrue(e.getMessage().contains("ModelFile.loadWeights"), e.getMessage());

            Sequential fresh = new Sequential(new Affine(scope, 3, 2), new ReLU());
            assertFalse(java.util.Arrays.equals(expected, forward(fresh, x)));
            assertEquals(info, ModelFile.loadWeights(file, fresh));
            assertTrue(fresh.isTraining(), "loadWeights leaves the mode alone");
            assertBitIdentical(expected, forward(fresh, x));
        }
    }

    @Test
    void weightsThatDoNotFitAreNamedAndLeaveTheModelUnchanged() throws IOException {
        Path file = dir.resolve("small.safetensors");
        ModelInfo info = ModelInfo.regression(3, new int[] {3}, FeatureTransform.IDENTITY);
        try (Scope scope = Scope.open()) {
            ModelFile.save(file, new Sequential(new Affine(scope, 3, 1), new ReLU()), info);

            // the first tensor fits, the second does not: nothing may be copied
            Module other = new Module() {
                private final Parameter scale = registerParameter("scale", Parameter.zeros(scope, DType.F32, 3));
                private final Parameter shift = registerParameter("shift", Parameter.zeros(scope, DType.F32, 4));

                @Override
                public Var forward(Var x) {
                    return x;
                }
            };
            Sequential wrong = new Sequential(other, new ReLU());
            IOException e = assertThrows(IOException.class, () -> ModelFile.loadWeights(file, wrong));
            assertEquals(file + ": tensor '0.shift' is F32[3] in the file but F32[4] in the model", e.getMessage());
            assertArrayEquals(new float[3], wrong.stateDict().get("0.scale").toFloatArray(), "unchanged");

            Sequential f64 = new Sequential(new Linear(scope, DType.F64, 3, 3, new SplittableRandom(1)));
            e = assertThrows(IOException.class, () -> ModelFile.loadWeights(file, f64));
            assertEquals(file + ": lacks tensor '0.weight' of the model (F64[3, 3])", e.getMessage());

            Sequential fewer = new Sequential(new Module() {
                private final Parameter scale = registerParameter("scale", Parameter.zeros(scope, DType.F32, 3));

                @Override
                public Var forward(Var x) {
                    return x;
                }
            });
            e = assertThrows(IOException.class, () -> ModelFile.loadWeights(file, fewer));
            assertEquals(file + ": has tensors the model lacks: [0.shift]", e.getMessage());
        }
    }

    /** Writes {@code model}'s weights with {@code meta} as the metadata, bypassing ModelFile.save's checks. */
    private static void writeRaw(Path file, Module model, Map<String, String> meta) throws IOException {
        Map<String, SafeTensors.Entry> tensors = new LinkedHashMap<>();
        model.stateDict().forEach((k, t) -> tensors.put(k, SafeTensors.Entry.of(t)));
        SafeTensors.write(file, tensors, meta);
    }

    private static Map<String, String> metadataOf(Path file) throws IOException {
        try (Scope scope = Scope.open()) {
            return new LinkedHashMap<>(SafeTensors.read(file, scope).metadata());
        }
    }

    private static String loadError(Path file) {
        return assertThrows(IOException.class, () -> ModelFile.load(file).close()).getMessage();
    }

    @Test
    void badFilesSayWhatIsWrong() throws IOException {
        Path good = dir.resolve("good.safetensors");
        Path bad = dir.resolve("bad.safetensors");
        ModelInfo info = ModelInfo.classification(List.of("a", "b"), new int[] {6}, FeatureTransform.IDENTITY);
        try (Scope scope = Scope.open()) {
            Sequential model = mixedSix(scope);
            ModelFile.save(good, model, info);
            Map<String, String> meta = metadataOf(good);

            // a training checkpoint
            List<Param> params = new ArrayList<>();
            model.parameters().forEach(p -> params.add(p.param()));
            Checkpoint.save(bad, model, Optimizer.of(SGD.builder().build(), params),
                    new Checkpoint.Position(0, 0, 0, 0, 1), Map.of());
            assertEquals(bad + ": is a training checkpoint (format \"inertia-checkpoint-1\"), not a model file"
                    + " (\"inertia-model-1\"): resume training from it, or save a model file", loadError(bad));
            IOException e = assertThrows(IOException.class, () -> ModelFile.loadWeights(bad, model));
            assertTrue(e.getMessage().contains("is a training checkpoint"), e.getMessage());

            // a plain safetensors file
            writeRaw(bad, model, Map.of());
            assertEquals(bad + ": not an inertia model file (metadata format is absent, expected \"inertia-model-1\")",
                    loadError(bad));

            // each metadata key missing
            for (String key : List.of("dtype", "task", "class_names", "feature_names", "example_shape",
                    "flatten_input", "output_width", "transform")) {
                Map<String, String> m = new LinkedHashMap<>(meta);
                m.remove(key);
                writeRaw(bad, model, m);
                assertEquals(bad + ": model file metadata lacks '" + key + "'", loadError(bad));
            }

            // bad values
            Map<String, String> m = new LinkedHashMap<>(meta);
            m.put("dtype", "BF16");
            writeRaw(bad, model, m);
            assertEquals(bad + ": model file metadata 'dtype' is \"BF16\", expected F32 or F64", loadError(bad));
            m = new LinkedHashMap<>(meta);
            m.put("task", "ranking");
            writeRaw(bad, model, m);
            assertEquals(bad + ": model file metadata 'task' is invalid: unknown task \"ranking\": expected"
                    + " classification or regression", loadError(bad));
            m = new LinkedHashMap<>(meta);
            m.put("transform", "{\"type\":\"pca\"}");
            writeRaw(bad, model, m);
            assertEquals(bad + ": model file metadata 'transform' is invalid: unknown transform type \"pca\": expected"
                    + " identity, normalization or scaling", loadError(bad));
            m = new LinkedHashMap<>(meta);
            m.put("output_width", "3");
            writeRaw(bad, model, m);
            assertEquals(bad + ": model file metadata is inconsistent: a classifier of 2 classes has 2 outputs, not 3",
                    loadError(bad));
            m = new LinkedHashMap<>(meta);
            m.put("example_shape", "[6, 0]");
            writeRaw(bad, model, m);
            assertEquals(bad + ": model file metadata 'example_shape' holds 0, not a positive int", loadError(bad));

            // an architecture the weights do not fit
            m = new LinkedHashMap<>(meta);
            m.put("architecture", meta.get("architecture").replace("\"in\":6", "\"in\":7"));
            writeRaw(bad, model, m);
            assertEquals(bad + ": tensor '0.weight' is F32[2, 6] in the file but F32[2, 7] in the model",
                    loadError(bad));
            // an architecture spec that is wrong in itself
            m.put("architecture", meta.get("architecture").replace("\"Linear\"", "\"Linear2\""));
            writeRaw(bad, model, m);
            assertTrue(loadError(bad).startsWith(bad + ": architecture spec: layers[0] has unknown layer type"
                    + " \"Linear2\""), loadError(bad));

            // a truncated file: SafeTensors' own message, naming the file
            byte[] bytes = Files.readAllBytes(good);
            Files.write(bad, java.util.Arrays.copyOf(bytes, bytes.length - 4));
            assertTrue(loadError(bad).startsWith(bad + ": corrupt or truncated safetensors file"), loadError(bad));
        }
    }

    @Test
    void infoIsValidated() {
        int[] shape = {2, 2};
        assertEquals(List.of("x0", "x1", "x2", "x3"),
                ModelInfo.classification(List.of("a"), shape, FeatureTransform.IDENTITY).featureNames());
        String e = assertThrows(IllegalArgumentException.class,
                () -> ModelInfo.classification(List.of(), shape, FeatureTransform.IDENTITY)).getMessage();
        assertEquals("a classifier needs at least one class name", e);
        e = assertThrows(IllegalArgumentException.class,
                () -> ModelInfo.classification(List.of("a", "b", "a"), shape, FeatureTransform.IDENTITY)).getMessage();
        assertEquals("class name \"a\" appears twice", e);
        e = assertThrows(IllegalArgumentException.class,
                () -> ModelInfo.regression(0, shape, FeatureTransform.IDENTITY)).getMessage();
        assertEquals("a regression model needs at least one output, got 0", e);
        e = assertThrows(IllegalArgumentException.class, () -> ModelInfo.regression(1, shape,
                FeatureTransform.IDENTITY).withFeatureNames(List.of("a"))).getMessage();
        assertEquals("1 feature names for examples of shape [2, 2] (4 features)", e);
        e = assertThrows(IllegalArgumentException.class, () -> ModelInfo.regression(1, new int[] {3, 0},
                FeatureTransform.IDENTITY)).getMessage();
        assertEquals("example shape [3, 0] has a dimension below 1", e);
        e = assertThrows(IllegalArgumentException.class, () -> ModelInfo.regression(1, shape,
                new Scaling("standardize", new double[3], new double[] {1, 1, 1}))).getMessage();
        assertEquals("the scaling was fitted on 3 features but examples have 4", e);
        e = assertThrows(IllegalArgumentException.class, () -> new ModelInfo(ModelInfo.Task.REGRESSION,
                List.of("a"), List.of("x0", "x1", "x2", "x3"), shape, false, 1, FeatureTransform.IDENTITY))
                .getMessage();
        assertEquals("a regression model has no class names, got [a]", e);

        int[] mine = {4};
        ModelInfo info = ModelInfo.regression(1, mine, FeatureTransform.IDENTITY);
        mine[0] = 5;
        info.exampleShape()[0] = 6;
        assertArrayEquals(new int[] {4}, info.exampleShape(), "the shape is copied in and out");
        assertEquals(ModelInfo.Task.CLASSIFICATION, ModelInfo.Task.parse("classification"));
    }
}
