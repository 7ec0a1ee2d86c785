package dev.inertia.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.inertia.io.SafeTensors;
import dev.inertia.memory.Scope;
import dev.inertia.train.TinyData;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code inertia train} through {@link Main#run}: JSON lines, checkpoints, bad input and faults. */
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
                "step_ms_p99", "step_ms_max", "first_step_ms", "data", "model", "optimizer", "schedule", "precision",
                "threads")) {
            assertTrue(j.containsKey(f), f + " missing in " + lines.getFirst());
        }
        double firstStepMs = ((Number) j.get("first_step_ms")).doubleValue();
        assertTrue(firstStepMs > 0 && Double.isFinite(firstStepMs), "first_step_ms in " + lines.getFirst());
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

    /** Exit {@code status} with exactly one {@code inertia: } line on stderr, no stack trace; returns that line. */
    private String assertOneLineFailure(int status, String... argv) {
        int code = run(argv);
        assertEquals(status, code, "exit status of " + Arrays.toString(argv) + "; stderr: " + stderr());
        List<String> lines = stderr().lines().filter(l -> l.startsWith("inertia: ")).toList();
        assertEquals(1, lines.size(), stderr());
        assertTrue(stderr().lines().noneMatch(l -> l.contains("Exception") || l.startsWith("\tat ")), stderr());
        return lines.getFirst();
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

    // ---- faults (issue 18): divergence, precious checkpoints, conflicting flags, absurd sizes ----

    @Test
    void aDivergingRunExitsNonZeroNamingTheStepAndLeavesPreciousUntouched() throws IOException {
        Path precious = tmp.resolve("precious.st");
        byte[] good = "a good checkpoint, byte for byte".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        Files.write(precious, good);
        // the acceptance command: the existing file is refused before anything trains
        // (sgd: INNAprop refuses a learning rate above beta before training)
        String line = assertOneLineFailure(1, train("--optimizer", "sgd", "--lr", "1e30", "--max-steps", "2",
                "--checkpoint", precious.toString()));
        assertTrue(line.contains(precious + " already exists") && line.contains("--overwrite"), line);
        // allowed to overwrite, it diverges: the step is named and no checkpoint is written from NaN weights
        line = assertOneLineFailure(1, train("--optimizer", "sgd", "--lr", "1e30", "--max-steps", "2", "--checkpoint",
                precious.toString(), "--overwrite"));
        assertTrue(line.contains("diverged at step 2"), line);
        assertArrayEquals(good, Files.readAllBytes(precious));
        assertFalse(stdout().contains("NaN"), stdout());
        // without a file there, nothing is created
        Path fresh = tmp.resolve("fresh.st");
        line = assertOneLineFailure(1, train("--optimizer", "sgd", "--lr", "1e30", "--max-steps", "2", "--checkpoint",
                fresh.toString()));
        assertTrue(line.contains("diverged at step 2"), line);
        assertFalse(Files.exists(fresh));
        try (var files = Files.list(tmp)) {
            assertTrue(files.noneMatch(f -> f.getFileName().toString().endsWith(".tmp")), "no temporary file left");
        }
    }

    @Test
    void aDirectoryOrMissingDirectoryAsCheckpointFailsBeforeTraining() throws IOException {
        Path asDir = Files.createDirectory(tmp.resolve("dir.st"));
        String line = assertOneLineFailure(1, train("--checkpoint", asDir.toString()));
        assertTrue(line.contains("checkpoint " + asDir + " is a directory"), line);
        assertFalse(stdout().contains("epoch"), "nothing trained: " + stdout());
        Path missing = tmp.resolve("nowhere").resolve("ck.st");
        line = assertOneLineFailure(1, train("--checkpoint", missing.toString()));
        assertTrue(line.contains("checkpoint " + missing + ": directory") && line.contains("does not exist"), line);
        line = assertOneLineFailure(2, train("--overwrite"));
        assertTrue(line.contains("--overwrite"), line);
    }

    @Test
    void lrAndSeedAreNotSilentlyIgnoredOnResume() {
        Path ck = tmp.resolve("ck.st");
        assertEquals(0, run(train("--max-steps", "1", "--checkpoint", ck.toString())), stderr());
        for (String flag : List.of("--lr", "--seed")) {
            String line = assertOneLineFailure(2, train("--max-steps", "2", "--resume", ck.toString(), flag, "3"));
            assertTrue(line.contains(flag + " cannot be combined with --resume"), line);
        }
        assertEquals(0, run(train("--max-steps", "2", "--resume", ck.toString(), "--checkpoint", ck.toString())),
                stderr());
    }

    @Test
    void seedIsALong() {
        assertEquals(0, run(train("--max-steps", "1", "--seed", "1099511627776", "--json")), stderr());
        String line = assertOneLineFailure(2, train("--seed", "99999999999999999999"));
        assertTrue(line.contains("--seed expects an integer"), line);
    }

    @Test
    void theLargestEpochNumberPrintsCorrectly() throws IOException {
        Path ck = tmp.resolve("ck.st");
        assertEquals(0, run(train("--epochs", "1", "--max-steps", "1", "--checkpoint", ck.toString())), stderr());
        try (Scope scope = Scope.open()) {
            SafeTensors.Contents c = SafeTensors.read(ck, scope);
            Map<String, String> meta = new LinkedHashMap<>(c.metadata());
            meta.put("epoch", Integer.toString(Integer.MAX_VALUE));
            meta.put("batch", "0");
            SafeTensors.write(ck, c.tensors(), meta);
        }
        assertEquals(0, run(train("--epochs", "3", "--resume", ck.toString())), stderr());
        assertTrue(stderr().contains("epoch 2147483648, batch 0"), stderr());
        assertFalse(stderr().contains("-2147483648"), stderr());
        assertTrue(stderr().contains("nothing left to train"), stderr());
    }

    @Test
    void anEmptyTestSetIsAnErrorNotNaN() throws IOException {
        TinyData.writeDataDir(data, 48, 0);
        String line = assertOneLineFailure(1, train("--max-steps", "1"));
        assertTrue(line.contains("empty"), line);
        assertFalse(stdout().contains("NaN"), stdout());
    }

    @Test
    void optimizerFlagsReachTheOptimizerTheScheduleAndTheClipping() {
        Args args = Args.parse("train", List.of("--alpha", "2", "--beta", "1.5", "--sigma", "0.99", "--eps", "1e-6",
                "--weight-decay", "0", "--warmup-steps", "9", "--min-lr", "1e-4", "--clip-grad-norm", "2.5"),
                OptimizerFlags.FLAGS, java.util.Set.of());
        OptimizerFlags flags = OptimizerFlags.parse(args, "innaprop", 1e-3, "cosine");
        Map<String, Double> h = flags.rule().hyperparameters();
        assertEquals(Map.of("lr", 1e-3, "alpha", 2.0, "beta", 1.5, "sigma", 0.99, "eps", 1e-6, "weight_decay", 0.0),
                h);
        var schedule = flags.schedule().over(100);
        assertEquals(0.5, schedule.factor(4), 1e-12, "half-way through the warm-up");
        assertEquals(0.1, schedule.factor(100), 1e-12, "the floor: min-lr / lr");
        assertEquals(2.5, flags.clipGradNorm());
        assertEquals(0, run(train("--max-steps", "2", "--alpha", "2", "--beta", "2", "--weight-decay", "0.1",
                "--warmup-steps", "1", "--min-lr", "1e-5", "--clip-grad-norm", "1", "--json")), stderr());
        assertEquals(0, run(train("--max-steps", "1", "--optimizer", "adamw", "--eps", "1e-6", "--schedule",
                "constant", "--weight-decay", "0")), stderr());
    }

    @Test
    void optimizerFlagsThatDoNotApplyAreRefused() throws IOException {
        String line = assertOneLineFailure(2, train("--optimizer", "adamw", "--alpha", "1"));
        assertTrue(line.contains("--alpha does not apply to adamw"), line);
        line = assertOneLineFailure(2, train("--optimizer", "inna", "--sigma", "0.9"));
        assertTrue(line.contains("--sigma does not apply to inna"), line);
        assertOneLineFailure(2, train("--optimizer", "sgd", "--eps", "1e-6"));
        line = assertOneLineFailure(2, train("--schedule", "constant", "--warmup-steps", "5"));
        assertTrue(line.contains("--warmup-steps shapes the cosine schedule"), line);
        assertOneLineFailure(2, train("--schedule", "constant", "--min-lr", "0"));
        line = assertOneLineFailure(2, train("--min-lr", "0.5"));
        assertTrue(line.contains("--min-lr must be in [0, the learning rate 0.001]"), line);
        assertOneLineFailure(2, train("--clip-grad-norm", "-1"));
        assertOneLineFailure(2, train("--sigma", "1"));
        Path csv = Files.writeString(tmp.resolve("two.csv"), "x,y\n1,a\n2,b\n3,a\n4,b\n");
        line = assertOneLineFailure(2, "train", "--csv", csv.toString(), "--target", "y", "--optimizer", "sgd",
                "--beta", "1");
        assertTrue(line.contains("--beta does not apply to sgd"), line);
    }

    @Test
    void optimizerFlagsThatACheckpointWouldNotHonourAreRefusedBesideIt() {
        String line = assertOneLineFailure(2, train("--resume", tmp.resolve("ck.st").toString(), "--alpha", "2"));
        assertTrue(line.contains("--alpha cannot be combined with --resume"), line);
        line = assertOneLineFailure(2, train("--checkpoint", tmp.resolve("ck.st").toString(), "--clip-grad-norm", "1"));
        assertTrue(line.contains("--clip-grad-norm cannot be combined with --checkpoint or --resume"), line);
        assertOneLineFailure(2, train("--resume", tmp.resolve("ck.st").toString(), "--warmup-steps", "3"));
    }

    @Test
    void aLearningRateAtOrAboveBetaIsRefused() {
        String line = assertOneLineFailure(2, train("--lr", "0.5", "--beta", "0.1"));
        assertTrue(line.contains("INNAprop needs the learning rate below beta: lr 0.5 >= beta 0.1"), line);
        line = assertOneLineFailure(2, train("--optimizer", "inna", "--lr", "0.1"));
        assertTrue(line.contains("INNA needs the learning rate below beta: lr 0.1 >= beta 0.1"), line);
        assertOneLineFailure(2, train("--lr", "0.9"));
    }

    @Test
    void absurdSizesAreOneLineBeforeAnyAllocation() {
        String line = assertOneLineFailure(2, "bench", "gemm", "--m", "1000000", "--n", "1000000", "--k", "1");
        assertTrue(line.contains("bench gemm --m 1000000 --n 1000000 --k 1 is too large"), line);
        line = assertOneLineFailure(2, "cost", "--batch", "2147483647");
        assertTrue(line.contains("cost --model mlp --batch 2147483647 is too large"), line);
        line = assertOneLineFailure(2, "cost", "--model", "cnn", "--batch", "200000");
        assertTrue(line.contains("is too large"), line);
        line = assertOneLineFailure(2, "bifurcation", "--width", "100000000", "--data-dir", data.toString());
        assertTrue(line.contains("bifurcation --hidden 1 --width 100000000 --batch 128 is too large"), line);
        line = assertOneLineFailure(2, "bifurcation", "--pool", "--channels", "2000000000", "--data-dir", data.toString());
        assertTrue(line.contains("is too large"), line);
        // the memory test alone: each tensor fits an int, the whole does not fit any machine this runs on
        line = assertOneLineFailure(2, "bifurcation", "--hidden", "100000", "--width", "40000", "--data-dir",
                data.toString());
        assertTrue(line.contains("needs at least") && line.contains("this machine has"), line);
    }
}
