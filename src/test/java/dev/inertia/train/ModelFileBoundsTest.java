package dev.inertia.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.inertia.data.FeatureTransform;
import dev.inertia.io.SafeTensors;
import dev.inertia.memory.DType;
import dev.inertia.memory.Scope;
import dev.inertia.memory.Tensor;
import dev.inertia.nn.AvgPool2d;
import dev.inertia.nn.GlobalAvgPool2d;
import dev.inertia.nn.LayerNorm;
import dev.inertia.nn.Linear;
import dev.inertia.nn.LogSoftmax;
import dev.inertia.nn.Module;
import dev.inertia.nn.Rescale;
import dev.inertia.nn.Residual;
import dev.inertia.nn.Sequential;
import dev.inertia.nn.Softmax;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 18: a model file costs no more than its length. An architecture spec is sized before
 * anything is allocated and refused when it needs more tensor elements than the file holds; a
 * failed {@link ModelFile#loadWeights} leaves the model as it was.
 */
class ModelFileBoundsTest {
    @TempDir
    Path dir;

    /** ArchitectureTest's every-kind model plus the kinds added since, so every registry entry's count is compared. */
    private static Sequential allKinds(Scope scope) {
        SplittableRandom r = new SplittableRandom(5);
        return new Sequential(ArchitectureTest.everyKind(scope, DType.F32), new LayerNorm(scope, DType.F32, 3, 1e-4),
                new Residual(new Sequential(new Linear(scope, DType.F32, 3, 3, r), new Rescale(scope, DType.F32, 3))),
                new Softmax(), new LogSoftmax(), new GlobalAvgPool2d(), new AvgPool2d(2, 1, 0));
    }

    private static long elements(Module m) {
        return m.stateDict().values().stream().mapToLong(Tensor::size).sum();
    }

    @Test
    void specsAreSizedExactlyBeforeAllocation() {
        try (Scope scope = Scope.open()) {
            Sequential model = allKinds(scope);
            String spec = Architecture.describe(model);
            TreeSet<String> missing = new TreeSet<>(Architecture.knownTypes());
            missing.removeIf(t -> spec.contains("\"type\":\"" + t + "\""));
            assertEquals(new TreeSet<>(), missing, "add these kinds to allKinds so that their counts are tested");
            long exact = elements(model);
            assertEquals(exact, elements(Architecture.build(spec, scope, DType.F32, exact)), "the exact count builds");
            try (Scope empty = Scope.open()) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        () -> Architecture.build(spec, empty, DType.F32, exact - 1));
                assertTrue(e.getMessage().contains("has " + exact + " tensor elements, more than the " + (exact - 1) + " allowed"),
                        e.getMessage());
                // a hostile spec: 10^10 weights beside a few bytes; refused with nothing allocated
                String huge = "{\"format\":\"" + Architecture.FORMAT + "\",\"layers\":[{\"type\":\"Linear\","
                        + "\"in\":100000,\"out\":100000,\"bias\":true}]}";
                e = assertThrows(IllegalArgumentException.class, () -> Architecture.build(huge, empty, DType.F32, 10));
                assertTrue(e.getMessage().contains("10000100000 tensor elements"), e.getMessage());
                String overflow = "{\"format\":\"" + Architecture.FORMAT + "\",\"layers\":[{\"type\":\"Conv2d\","
                        + "\"in\":2147483647,\"out\":2147483647,\"kernel\":2147483647,\"stride\":1,\"padding\":0,"
                        + "\"bias\":false}]}";
                e = assertThrows(IllegalArgumentException.class,
                        () -> Architecture.build(overflow, empty, DType.F32, Long.MAX_VALUE));
                assertTrue(e.getMessage().contains("layers[0] (Conv2d) describes more tensor elements than a long"),
                        e.getMessage());
                assertEquals(0, empty.allocatedBytes(), "nothing was allocated for the refused specs");
            }
        }
    }

    @Test
    void aHostileArchitectureInAModelFileIsRefusedByName() throws IOException {
        try (Scope scope = Scope.open()) {
            SplittableRandom r = new SplittableRandom(1);
            Sequential model = new Sequential(new Linear(scope, DType.F32, 4, 2, r));
            Path good = dir.resolve("good.model");
            ModelFile.save(good, model, ModelInfo.classification(List.of("a", "b"), new int[] {4},
                    FeatureTransform.IDENTITY));
            SafeTensors.Contents c = SafeTensors.read(good, scope);
            Map<String, String> meta = new LinkedHashMap<>(c.metadata());
            meta.put("architecture", "{\"format\":\"" + Architecture.FORMAT + "\",\"layers\":[{\"type\":\"Linear\","
                    + "\"in\":100000,\"out\":100000,\"bias\":true}]}");
            Path bad = dir.resolve("huge.model");
            SafeTensors.write(bad, c.tensors(), meta);
            IOException e = assertThrows(IOException.class, () -> ModelFile.load(bad));
            assertTrue(e.getMessage().startsWith(bad + ": architecture spec: the model it describes has 10000100000"
                    + " tensor elements, more than the " + (2 * 10 + (1 << 20)) + " allowed"), e.getMessage());
            assertFalse(e.getMessage().contains("\n"));
            try (LoadedModel loaded = ModelFile.load(good)) {
                assertEquals(10, elements(loaded.module()));
            }
        }
    }

    @Test
    void aFailedLoadWeightsChangesNothing() throws IOException {
        try (Scope scope = Scope.open()) {
            LoadFixtures.Run source = LoadFixtures.run(scope, 3, 2);
            LoadFixtures.Run target = LoadFixtures.run(scope, 4, 2);
            Path good = dir.resolve("w.model");
            ModelInfo info = ModelInfo.classification(List.of("a", "b", "c"), new int[] {6}, FeatureTransform.IDENTITY);
            ModelFile.save(good, source.model(), info);
            SafeTensors.Contents c = SafeTensors.read(good, scope);
            String before = LoadFixtures.fingerprint(target);
            // the last tensor (in file order) has the wrong shape: the others must not have been copied before
            Map<String, SafeTensors.Entry> tensors = new LinkedHashMap<>(c.tensors());
            tensors.put("4.bias", SafeTensors.Entry.ofFloats(new float[4]));
            Path bad = dir.resolve("bad.model");
            SafeTensors.write(bad, tensors, c.metadata());
            IOException e = assertThrows(IOException.class, () -> ModelFile.loadWeights(bad, target.model()));
            assertTrue(e.getMessage().contains("'4.bias'"), e.getMessage());
            assertEquals(before, LoadFixtures.fingerprint(target));
            ModelFile.loadWeights(good, target.model());
            assertEquals(source.model().stateDict().get("4.bias").toFloatArray()[2],
                    target.model().stateDict().get("4.bias").toFloatArray()[2]);
        }
    }

    /** wt-fuzz's finding F2, and its cousins: text of the file with line breaks stays on one line in the message. */
    @Test
    void messagesStayOnOneLine() throws IOException {
        Path f2 = dir.resolve("f2.safetensors");
        try (var in = ModelFileBoundsTest.class.getResourceAsStream("fuzz-f2-bad-escape.safetensors")) {
            java.nio.file.Files.copy(in, f2);
        }
        IOException e = assertThrows(IOException.class, () -> ModelFile.load(f2));
        assertTrue(e.getMessage().contains("bad escape \\ followed by character U+000A"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());

        try (Scope scope = Scope.open()) {
            Path bad = dir.resolve("newline.model");
            SafeTensors.write(bad, Map.of("line\nbreak", SafeTensors.Entry.ofFloats(new float[1])),
                    Map.of("format", ModelFile.FORMAT, "dtype", "F32\nF64"));
            LoadFixtures.Run target = LoadFixtures.run(scope, 4, 1);
            for (IOException ex : List.of(assertThrows(IOException.class, () -> ModelFile.load(bad)),
                    assertThrows(IOException.class, () -> ModelFile.loadWeights(bad, target.model())),
                    assertThrows(IOException.class, () -> Checkpoint.load(bad, target.model(), target.optimizer(),
                            Map.of())))) {
                assertFalse(ex.getMessage().contains("\n"), ex.getMessage());
                assertTrue(ex.getMessage().startsWith(bad.toString()), ex.getMessage());
            }
            assertTrue(assertThrows(IOException.class, () -> ModelFile.load(bad)).getMessage()
                    .contains("F32\\nF64"), "escaped as \\n");
        }
    }
}
