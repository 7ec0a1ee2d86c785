package dev.inertia.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.inertia.train.TinyData;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code inertia train} through {@link Main#run}: JSON lines, checkpoints, and bad input. */
class TrainCommandTest extends CommandHarness {
    @TempDir
    Path tmp;
    private Path data;

    @BeforeEach
    void data() throws IOException {
        data = TinyData.writeDataDir(tmp.resolve("data"), 48, 24);
    }

    private String[] train(String... extra) {
        List<String> a = new java.util.ArrayList<>(List.of("train", "--data-dir", data.toString(), "--batch", "4",
                "--threads", "1"));
        a.addAll(Arrays.asList(extra));
        return a.toArray(String[]::new);
    }

    @Test
    void jsonLinePerEpochWithDesignFields() {
        assertEquals(0, run(train("--max-steps", "2", "--optimizer", "sgd", "--json")), stderr());
        List<String> lines = stdout().lines().toList();
        assertEquals(1, lines.size(), stdout());
        Map<String, Object> j = TinyData.parseJson(lines.getFirst());
        for (String f : List.of("epoch", "train_loss", "test_loss", "test_acc", "samples_per_s", "step_ms_p50",
                "step_ms_p99", "step_ms_max", "data", "model", "optimizer", "schedule", "precision", "threads")) {
            assertTrue(j.containsKey(f), f + " missing in " + lines.getFirst());
        }
        assertEquals(1L, ((Number) j.get("epoch")).longValue());
        assertEquals(Boolean.TRUE, j.get("partial"));
        assertEquals(2L, ((Number) j.get("step")).longValue());
        assertEquals("mlp", j.get("model"));
        assertEquals("cosine", j.get("schedule"), "the default schedule");
        assertEquals(data.toString(), j.get("data"));
        assertTrue(stderr().contains("Fashion-MNIST from --data-dir"), stderr());
    }

    @Test
    void checkpointResumeAndTextOutput() throws IOException {
        Path ck = tmp.resolve("ck.safetensors");
        assertEquals(0, run(train("--epochs", "1", "--max-steps", "1", "--checkpoint", ck.toString())), stderr());
        assertTrue(stdout().startsWith("epoch 1/1 (partial, 1 steps)"), stdout());
        assertTrue(stderr().contains("checkpoint written to " + ck), stderr());
        assertEquals(0, run(train("--epochs", "1", "--max-steps", "2", "--resume", ck.toString(), "--json")),
                stderr());
        assertTrue(stderr().contains("resumed from " + ck + ": epoch 1, batch 1, step 1"), stderr());
        assertTrue(stdout().contains("\"step\": 2"), stdout());
    }

    @Test
    void fp64AndBf16Run() {
        assertEquals(0, run(train("--max-steps", "1", "--precision", "fp64", "--json")), stderr());
        assertTrue(stdout().contains("\"precision\": \"fp64\""), stdout());
        assertEquals(0, run(train("--max-steps", "1", "--precision", "bf16", "--optimizer", "adamw", "--json")),
                stderr());
        assertTrue(stdout().contains("\"precision\": \"bf16\""), stdout());
    }

    @Test
    void fp16WithLossScaling() {
        assertEquals(0, run(train("--max-steps", "2", "--precision", "fp16", "--optimizer", "sgd", "--loss-scale",
                "static:1024", "--json")), stderr());
        assertTrue(stdout().contains("\"precision\": \"fp16\""), stdout());
        assertTrue(stderr().contains("loss scaling: final scale 1024.0,"), stderr());
        assertOneLineFailure(2, train("--loss-scale", "static:0"));
        assertOneLineFailure(2, train("--loss-scale", "sometimes"));
        assertTrue(stderr().contains("static:N or dynamic"), stderr());
    }

    private void assertOneLineFailure(int status, String... argv) {
        int code = run(argv);
        assertEquals(status, code, "exit status of " + Arrays.toString(argv) + "; stderr: " + stderr());
        List<String> lines = stderr().lines().filter(l -> l.startsWith("inertia: ")).toList();
        assertEquals(1, lines.size(), stderr());
        assertTrue(stderr().lines().noneMatch(l -> l.contains("Exception") || l.startsWith("\tat ")), stderr());
    }

    @Test
    void badFlagsModelsAndOptimizers() {
        assertOneLineFailure(2, train("--bogus"));
        assertTrue(stderr().contains("unknown flag --bogus"), stderr());
        assertOneLineFailure(2, train("--model", "resnet"));
        assertTrue(stderr().contains("--model must be one of mlp, cnn"), stderr());
        assertOneLineFailure(2, train("--optimizer", "lion"));
        assertTrue(stderr().contains("--optimizer must be one of"), stderr());
        assertOneLineFailure(2, train("--precision", "fp8"));
        assertOneLineFailure(2, train("--schedule", "linear"));
        assertTrue(stderr().contains("--schedule must be one of cosine, constant"), stderr());
        assertOneLineFailure(2, train("--epochs", "0"));
    }

    @Test
    void missingAndCorruptData() throws IOException {
        assertOneLineFailure(1, "train", "--data-dir", tmp.resolve("nowhere").toString());
        assertTrue(stderr().contains("does not exist"), stderr());
        Path images = data.resolve("train-images-idx3-ubyte");
        byte[] full = Files.readAllBytes(images);
        Files.write(images, Arrays.copyOf(full, full.length - 100));
        assertOneLineFailure(1, train());
        assertTrue(stderr().contains("train-images-idx3-ubyte"), stderr());
        full[2] = 0x0D; // an element type that is not unsigned byte
        Files.write(images, full);
        assertOneLineFailure(1, train());
        assertTrue(stderr().contains("train-images-idx3-ubyte"), stderr());
    }

    @Test
    void corruptOrTruncatedCheckpointLeavesItIntact() throws IOException {
        Path ck = tmp.resolve("good.safetensors");
        assertEquals(0, run(train("--max-steps", "1", "--checkpoint", ck.toString())), stderr());
        byte[] good = Files.readAllBytes(ck);
        // a failing run that names the same checkpoint does not touch it
        Files.write(data.resolve("t10k-labels-idx1-ubyte"), new byte[] {1, 2, 3});
        assertOneLineFailure(1, train("--max-steps", "1", "--checkpoint", ck.toString(), "--resume", ck.toString()));
        assertArrayEquals(good, Files.readAllBytes(ck));
        TinyData.writeDataDir(data, 48, 24);

        Path truncated = tmp.resolve("truncated.safetensors");
        Files.write(truncated, Arrays.copyOf(good, good.length - 1000));
        assertOneLineFailure(1, train("--resume", truncated.toString(), "--checkpoint", truncated.toString()));
        assertTrue(stderr().contains(truncated.toString()), stderr());
        assertEquals(good.length - 1000, Files.size(truncated), "the bad checkpoint is not overwritten");

        Path garbage = tmp.resolve("garbage.safetensors");
        Files.write(garbage, "this is not a checkpoint at all".getBytes(StandardCharsets.UTF_8));
        assertOneLineFailure(1, train("--resume", garbage.toString()));
        assertOneLineFailure(1, train("--resume", tmp.resolve("absent.safetensors").toString()));
        assertOneLineFailure(1, train("--model", "cnn", "--resume", ck.toString()));
        assertTrue(stderr().contains("model"), stderr());
    }
}
