package dev.inertia.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.inertia.io.SafeTensors;
import dev.inertia.memory.Scope;
import dev.inertia.train.TinyData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line under faults: divergence, precious checkpoints, conflicting flags, absurd sizes (issue 18). */
class TrainFaultsCommandTest extends CommandHarness {
    @TempDir
    Path tmp;
    private Path data;

    @BeforeEach
    void data() throws IOException {
        data = TinyData.writeDataDir(tmp.resolve("data"), 48, 24);
    }

    private String[] train(String... extra) {
        List<String> a = new ArrayList<>(List.of("train", "--data-dir", data.toString(), "--batch", "4", "--threads",
                "1"));
        a.addAll(Arrays.asList(extra));
        return a.toArray(String[]::new);
    }

    /** Exit {@code status} with exactly one {@code inertia: } line on stderr, no stack trace; returns that line. */
    private String oneLineFailure(int status, String... argv) {
        int code = run(argv);
        assertEquals(status, code, "exit status of " + Arrays.toString(argv) + "; stderr: " + stderr());
        List<String> lines = stderr().lines().filter(l -> l.startsWith("inertia: ")).toList();
        assertEquals(1, lines.size(), stderr());
        assertTrue(stderr().lines().noneMatch(l -> l.contains("Exception") || l.startsWith("\tat ")), stderr());
        return lines.getFirst();
    }

    @Test
    void aDivergingRunExitsNonZeroNamingTheStepAndLeavesPreciousUntouched() throws IOException {
        Path precious = tmp.resolve("precious.st");
        byte[] good = "a good checkpoint, byte for byte".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        Files.write(precious, good);
        // the acceptance command: the existing file is refused before anything trains
        String line = oneLineFailure(1, train("--lr", "1e30", "--max-steps", "2", "--checkpoint", precious.toString()));
        assertTrue(line.contains(precious + " already exists") && line.contains("--overwrite"), line);
        // allowed to overwrite, it diverges: the step is named and no checkpoint is written from NaN weights
        line = oneLineFailure(1, train("--lr", "1e30", "--max-steps", "2", "--checkpoint", precious.toString(),
                "--overwrite"));
        assertTrue(line.contains("diverged at step 2"), line);
        assertArrayEquals(good, Files.readAllBytes(precious));
        assertFalse(stdout().contains("NaN"), stdout());
        // without a file there, nothing is created
        Path fresh = tmp.resolve("fresh.st");
        line = oneLineFailure(1, train("--lr", "1e30", "--max-steps", "2", "--checkpoint", fresh.toString()));
        assertTrue(line.contains("diverged at step 2"), line);
        assertFalse(Files.exists(fresh));
        try (var files = Files.list(tmp)) {
            assertTrue(files.noneMatch(f -> f.getFileName().toString().endsWith(".tmp")), "no temporary file left");
        }
    }

    @Test
    void aDirectoryOrMissingDirectoryAsCheckpointFailsBeforeTraining() throws IOException {
        Path asDir = Files.createDirectory(tmp.resolve("dir.st"));
        String line = oneLineFailure(1, train("--checkpoint", asDir.toString()));
        assertTrue(line.contains("checkpoint " + asDir + " is a directory"), line);
        assertFalse(stdout().contains("epoch"), "nothing trained: " + stdout());
        Path missing = tmp.resolve("nowhere").resolve("ck.st");
        line = oneLineFailure(1, train("--checkpoint", missing.toString()));
        assertTrue(line.contains("checkpoint " + missing + ": directory") && line.contains("does not exist"), line);
        line = oneLineFailure(2, train("--overwrite"));
        assertTrue(line.contains("--overwrite"), line);
    }

    @Test
    void lrAndSeedAreNotSilentlyIgnoredOnResume() {
        Path ck = tmp.resolve("ck.st");
        assertEquals(0, run(train("--max-steps", "1", "--checkpoint", ck.toString())), stderr());
        for (String flag : List.of("--lr", "--seed")) {
            String line = oneLineFailure(2, train("--max-steps", "2", "--resume", ck.toString(), flag, "3"));
            assertTrue(line.contains(flag + " cannot be combined with --resume"), line);
        }
        assertEquals(0, run(train("--max-steps", "2", "--resume", ck.toString(), "--checkpoint", ck.toString())),
                stderr());
    }

    @Test
    void seedIsALong() {
        assertEquals(0, run(train("--max-steps", "1", "--seed", "1099511627776", "--json")), stderr());
        String line = oneLineFailure(2, train("--seed", "99999999999999999999"));
        assertTrue(line.contains("--seed expects an integer of at most 64 bits"), line);
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
        String line = oneLineFailure(1, train("--max-steps", "1"));
        assertTrue(line.contains("empty"), line);
        assertFalse(stdout().contains("NaN"), stdout());
    }

    @Test
    void absurdSizesAreOneLineBeforeAnyAllocation() {
        String line = oneLineFailure(2, "bench", "gemm", "--m", "1000000", "--n", "1000000", "--k", "1");
        assertTrue(line.contains("bench gemm --m 1000000 --n 1000000 --k 1 is too large"), line);
        line = oneLineFailure(2, "cost", "--batch", "2147483647");
        assertTrue(line.contains("cost --model mlp --batch 2147483647 is too large"), line);
        line = oneLineFailure(2, "cost", "--model", "cnn", "--batch", "200000");
        assertTrue(line.contains("is too large"), line);
        line = oneLineFailure(2, "bifurcation", "--width", "100000000", "--data-dir", data.toString());
        assertTrue(line.contains("bifurcation --hidden 1 --width 100000000 --batch 128 is too large"), line);
        line = oneLineFailure(2, "bifurcation", "--pool", "--channels", "2000000000", "--data-dir", data.toString());
        assertTrue(line.contains("is too large"), line);
        // the memory test alone: each tensor fits an int, the whole does not fit any machine this runs on
        line = oneLineFailure(2, "bifurcation", "--hidden", "100000", "--width", "40000", "--data-dir",
                data.toString());
        assertTrue(line.contains("needs at least") && line.contains("this machine has"), line);
    }
}
