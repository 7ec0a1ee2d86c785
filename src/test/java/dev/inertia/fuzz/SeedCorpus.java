package dev.inertia.fuzz;

import dev.inertia.data.FeatureTransform;
import dev.inertia.data.IdxFixtures;
import dev.inertia.io.SafeTensors;
import dev.inertia.memory.DType;
import dev.inertia.memory.Scope;
import dev.inertia.nn.Linear;
import dev.inertia.nn.ReLU;
import dev.inertia.nn.Sequential;
import dev.inertia.train.Checkpoint;
import dev.inertia.train.ModelFile;
import dev.inertia.train.ModelInfo;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Writes the valid seed inputs of the fuzz targets into Jazzer's layout
 * ({@code src/test/resources/dev/inertia/fuzz/<Class>Inputs/<method>/}), from which the fuzzer
 * mutates and which the build replays. Inputs found by fuzzing are added beside them by hand
 * (named {@code crash-...}, {@code timeout-...}). Run from the repository root:
 * {@code scripts/fuzz.sh --seeds}.
 */
public final class SeedCorpus {
    private SeedCorpus() {
    }

    public static void main(String[] args) throws IOException {
        Path root = Path.of(args.length > 0 ? args[0] : "src/test/resources/dev/inertia/fuzz");
        Path idx = root.resolve("IdxFuzzTestInputs/idx");
        byte[] images = IdxFixtures.idx(new int[] {2, 3, 3}, IdxFixtures.images(2, 3, 3));
        byte[] labels = IdxFixtures.idx(new int[] {4}, IdxFixtures.labels(4, 10));
        write(idx, "seed-images", images);
        write(idx, "seed-images.gz", IdxFixtures.gzip(images));
        write(idx, "seed-labels", labels);
        write(idx, "seed-labels.gz", IdxFixtures.gzip(labels));

        Path csv = root.resolve("CsvFuzzTestInputs/csv");
        write(csv, "seed-train", text("\0a,b,y\n1,2,x\n3.5,-4e1,z\n"));
        write(csv, "seed-regression", text("\1a,y\n1,2.5\n-3,1e-3\n"));
        write(csv, "seed-eval", text("\2y;b;a;extra\r\nx;1;2;q\r\nz;\"3\";4;\"a \"\"quoted\"\" word\"\r\n"));
        write(csv, "seed-predict", text("\3\uFEFFa\tb\n\"1\"\t2\n\n5\t6\n"));
        byte[] gz = IdxFixtures.gzip("a,b,y\n1,2,x\n".getBytes(StandardCharsets.UTF_8));
        byte[] gzSeed = new byte[gz.length + 1];
        System.arraycopy(gz, 0, gzSeed, 1, gz.length);
        write(csv, "seed-train-gzip", gzSeed);

        Path json = root.resolve("JsonFuzzTestInputs/json");
        write(json, "seed-header", text("{\"w\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,24]},"
                + "\"__metadata__\":{\"format\":\"inertia-model-1\"}}"));
        write(json, "seed-values", text(" [1, -2.5e-3, 1e400, 12345678901234567890, true, false, null, \"\\u00e9\\n\","
                + " {\"a\": [[]], \"b\": {}}] "));

        try (Scope scope = Scope.open()) {
            Map<String, SafeTensors.Entry> tensors = new LinkedHashMap<>();
            tensors.put("a", SafeTensors.Entry.ofFloats(new float[] {1, 2, 3, 4, 5, 6}, 2, 3));
            tensors.put("n", SafeTensors.Entry.ofLongs(new long[] {7}));
            tensors.put("e", SafeTensors.Entry.ofFloats(new float[0], 0, 4));
            Path tmp = Files.createTempFile("seed", ".safetensors");
            SafeTensors.write(tmp, tensors, Map.of("note", "seed"));
            write(root.resolve("SafeTensorsFuzzTestInputs/safetensors"), "seed-tensors", Files.readAllBytes(tmp));

            Checkpoint.save(tmp, CheckpointFuzzTest.MODEL, CheckpointFuzzTest.OPTIMIZER,
                    new Checkpoint.Position(1, 2, 3, 0.5, 42), Map.of("model", "fuzz"));
            write(root.resolve("CheckpointFuzzTestInputs/checkpoint"), "seed-checkpoint", Files.readAllBytes(tmp));

            SplittableRandom random = new SplittableRandom(3);
            Sequential model = new Sequential(new Linear(scope, DType.F32, 3, 4, random), new ReLU(),
                    new Linear(scope, DType.F32, 4, 2, random));
            ModelFile.save(tmp, model, ModelInfo.classification(List.of("no", "yes"), new int[] {3},
                    FeatureTransform.IDENTITY));
            write(root.resolve("ModelFileFuzzTestInputs/modelFile"), "seed-model", Files.readAllBytes(tmp));
            Files.delete(tmp);
        }
    }

    private static byte[] text(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static void write(Path dir, String name, byte[] bytes) throws IOException {
        Files.createDirectories(dir);
        Files.write(dir.resolve(name), bytes);
    }
}
