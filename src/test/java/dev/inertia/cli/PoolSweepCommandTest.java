package dev.inertia.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.inertia.train.TinyData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code inertia pool-sweep} on a tiny data set, two steps a run. */
class PoolSweepCommandTest extends CommandHarness {
    @TempDir
    Path dir;
    private Path data;

    @BeforeEach
    void data() throws IOException {
        data = TinyData.writeDataDir(dir.resolve("fashion"), 16, 8);
    }

    private int sweep(String... argv) {
        List<String> all = new ArrayList<>(List.of("pool-sweep", "--data-dir", data.toString(), "--batch", "4",
                "--epochs", "1", "--max-steps", "2", "--threads", "1"));
        all.addAll(List.of(argv));
        return run(all.toArray(String[]::new));
    }

    @Test
    void jsonLinePerRunThenOnePerBeta() throws IOException {
        Path svg = dir.resolve("pool.svg");
        assertEquals(0, sweep("--betas", "0,10000", "--seeds", "2", "--batch-norm", "on",
                "--train-size", "8", "--max-steps", "1", "--json", "--svg", svg.toString()), stderr());
        List<String> lines = stdout().strip().lines().toList();
        assertEquals(6, lines.size(), "2 betas x 2 seeds, then 2 summaries: " + lines);
        for (int i = 0; i < 4; i++) {
            Map<String, Object> m = TinyData.parseJson(lines.get(i));
            for (String f : List.of("beta", "seed", "precision", "optimizer", "batch_norm", "test_acc", "train_loss",
                    "diverged", "pool_ties", "live_pool_ties", "live_steps", "steps", "train_size", "seconds")) {
                assertTrue(m.containsKey(f), f + " in " + lines.get(i));
            }
            assertEquals("run", m.get("record"));
            assertEquals(i % 2 == 0 ? 0.0 : 10000.0, ((Number) m.get("beta")).doubleValue(), lines.get(i));
            assertEquals(i < 2 ? 1L : 2L, ((Number) m.get("seed")).longValue(), lines.get(i));
            assertEquals("fp32", m.get("precision"));
            assertEquals(Boolean.TRUE, m.get("batch_norm"));
            assertEquals(8L, ((Number) m.get("train_size")).longValue());
            assertEquals(1L, ((Number) m.get("steps")).longValue());
        }
        for (int i = 4; i < 6; i++) {
            Map<String, Object> m = TinyData.parseJson(lines.get(i));
            assertEquals("summary", m.get("record"));
            assertEquals(2L, ((Number) m.get("seeds")).longValue());
            for (String f : List.of("test_acc_mean", "test_acc_std", "train_loss_mean", "train_loss_std",
                    "live_pool_ties_mean", "live_pool_ties_std", "diverged")) {
                assertTrue(m.containsKey(f), f + " in " + lines.get(i));
            }
        }
        String text = Files.readString(svg);
        assertTrue(text.startsWith("<?xml") && text.contains("mean of 2 seeds") && text.contains("seed 2"), text);
        try (var files = Files.list(dir)) {
            assertFalse(files.anyMatch(f -> f.toString().endsWith(".tmp")), "no temporary file left");
        }
    }

    @Test
    void tablePerBetaWithMeanAndStd() {
        assertEquals(0, sweep("--betas", "0,1", "--train-size", "8"), stderr());
        List<String> lines = stdout().strip().lines().toList();
        assertEquals(4, lines.size(), stdout());
        assertTrue(lines.get(0).startsWith("cnn, sgd, no batch norm, fp32, 1 epoch, 1 seed"), stdout());
        assertTrue(lines.get(2).startsWith("0 ") && lines.get(2).contains(" ± ") && lines.get(2).endsWith("0/1"),
                stdout());
        assertTrue(lines.get(3).startsWith("1 "), stdout());
        assertTrue(stderr().contains("beta = 0, seed 1: test accuracy"), stderr());
    }

    @Test
    void aDivergingRunIsReportedAndTheSweepGoesOn() {
        assertEquals(0, sweep("--betas", "10000", "--precision", "fp16", "--lr", "1e30", "--json", "--train-size",
                "8"), stderr());
        List<String> lines = stdout().strip().lines().toList();
        Map<String, Object> run = TinyData.parseJson(lines.get(0));
        assertEquals(Boolean.TRUE, run.get("diverged"), lines.get(0));
        assertEquals("fp16", run.get("precision"));
        assertNull(run.get("test_acc"), "NaN is null in JSON");
        assertEquals(1L, ((Number) TinyData.parseJson(lines.get(1)).get("diverged")).longValue());
    }

    @Test
    void badInputIsOneLineAndExitTwo() {
        for (String[] bad : new String[][] {{"--betas", "0,x"}, {"--betas", "0,0"}, {"--betas", "NaN"},
            {"--betas", ""}, {"--precision", "fp8"}, {"--batch-norm", "both"}, {"--optimizer", "lbfgs"},
            {"--seeds", "0"}, {"--loss-scale", "static:-1"}, {"--svg", "/no/such/dir/plot.svg"}, {"--lr", "-1"},
            {"--train-size", "0"}, {"--bogus", "1"}}) {
            assertEquals(2, sweep(bad), String.join(" ", bad) + ": " + stderr());
            assertEquals(1, stderr().strip().lines().count(), String.join(" ", bad) + ": " + stderr());
            assertTrue(stdout().isEmpty(), stdout());
        }
    }

    @Test
    void helpAndOverview() {
        assertEquals(0, run("pool-sweep", "--help"));
        assertTrue(stdout().startsWith("usage: inertia pool-sweep") && stdout().contains("--seeds N"), stdout());
        assertEquals(0, run("--help"));
        assertTrue(stdout().contains("pool-sweep"), stdout());
    }
}
