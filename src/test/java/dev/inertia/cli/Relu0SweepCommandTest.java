package dev.inertia.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.inertia.numerics.SvgCheck;
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

class Relu0SweepCommandTest extends CommandHarness {
    @TempDir
    Path dir;
    private Path data;

    @BeforeEach
    void data() throws IOException {
        data = TinyData.writeDataDir(dir.resolve("fashion"), 48, 16);
    }

    /** Runs {@code relu0-sweep} on the tiny data set, one step or two, with {@code argv} added. */
    private int sweep(String... argv) {
        List<String> all = new ArrayList<>(List.of("relu0-sweep", "--data-dir", data.toString(), "--hidden", "1",
                "--width", "8", "--batch", "8", "--epochs", "1", "--max-steps", "2"));
        all.addAll(List.of(argv));
        return run(all.toArray(String[]::new));
    }

    @Test
    void jsonLinePerRunAndAWellFormedPlot() throws Exception {
        Path svg = dir.resolve("sweep.svg");
        assertEquals(0, sweep("--values", "0,0.5,1", "--precision", "bf16", "--batch-norm", "off", "--json", "--svg",
                svg.toString()), stderr());
        List<String> lines = stdout().strip().lines().toList();
        assertEquals(6, lines.size(), "3 values x 2 optimizers: " + lines);
        for (int i = 0; i < lines.size(); i++) {
            Map<String, Object> m = TinyData.parseJson(lines.get(i));
            for (String f : List.of("s", "precision", "optimizer", "batch_norm", "test_acc", "train_loss", "test_loss",
                    "epochs", "steps", "seed", "lr", "loss_scale", "live_kinks", "kink_hits", "data", "seconds")) {
                assertTrue(m.containsKey(f), f + " in " + lines.get(i));
            }
            assertEquals(List.of(0.0, 0.5, 1.0).get(i % 3), ((Number) m.get("s")).doubleValue(), lines.get(i));
            assertEquals(i < 3 ? "sgd" : "innaprop", m.get("optimizer"));
            assertEquals(Boolean.FALSE, m.get("batch_norm"));
            assertEquals("bf16", m.get("precision"));
            assertEquals(2, ((Number) m.get("steps")).intValue());
            double acc = ((Number) m.get("test_acc")).doubleValue();
            assertTrue(acc >= 0 && acc <= 1, lines.get(i));
        }
        String text = Files.readString(svg);
        Map<String, Integer> counts = SvgCheck.wellFormedElements(text);
        assertEquals(2, counts.get("polyline"), "one line per configuration");
        assertEquals(6, counts.get("circle"), "one marker per run");
        assertTrue(text.contains("sgd, no batch norm, bf16") && text.contains("ReLU&apos;(0) = s"), text);
        try (var files = Files.list(dir)) {
            assertFalse(files.anyMatch(f -> f.toString().endsWith(".tmp")), "no temporary file left");
        }
    }

    @Test
    void tablePerValue() {
        assertEquals(0, sweep("--values", "0,1", "--optimizer", "sgd"), stderr());
        List<String> lines = stdout().strip().lines().toList();
        assertEquals(4, lines.size(), stdout());
        assertTrue(lines.get(0).startsWith("test accuracy (%)"), stdout());
        assertTrue(lines.get(1).contains("sgd, no batch norm, fp32") && lines.get(1).contains("sgd, batch norm, fp32"),
                stdout());
        assertTrue(lines.get(2).startsWith("0 ") && lines.get(3).startsWith("1 "), stdout());
    }

    @Test
    void seedsGiveALinePerRunAndASummaryPerValue() throws Exception {
        assertEquals(0, sweep("--values", "0,1", "--optimizer", "sgd", "--batch-norm", "off", "--seed", "3", "--seeds",
                "2", "--json"), stderr());
        List<String> lines = stdout().strip().lines().toList();
        assertEquals(6, lines.size(), "2 values x 2 seeds, then 2 summaries: " + lines);
        for (int i = 0; i < 4; i++) {
            int seed = ((Number) TinyData.parseJson(lines.get(i)).get("seed")).intValue();
            assertEquals(i < 2 ? 3 : 4, seed, lines.get(i));
        }
        for (int i = 4; i < 6; i++) {
            Map<String, Object> m = TinyData.parseJson(lines.get(i));
            assertEquals(Boolean.TRUE, m.get("summary"), lines.get(i));
            assertEquals(2, ((Number) m.get("seeds")).intValue(), lines.get(i));
            assertEquals(3, ((Number) m.get("seed_first")).intValue(), lines.get(i));
            assertEquals(4, ((Number) m.get("seed_last")).intValue(), lines.get(i));
            double a = ((Number) TinyData.parseJson(lines.get(i - 4)).get("test_acc")).doubleValue();
            double b = ((Number) TinyData.parseJson(lines.get(i - 2)).get("test_acc")).doubleValue();
            assertEquals((a + b) / 2, ((Number) m.get("test_acc_mean")).doubleValue(), 1e-12, lines.get(i));
            assertEquals(Math.abs(a - b) / Math.sqrt(2), ((Number) m.get("test_acc_std")).doubleValue(), 1e-12,
                    lines.get(i));
        }
        assertEquals(0, sweep("--values", "0,1", "--optimizer", "sgd", "--batch-norm", "off", "--seeds", "2"),
                stderr());
        List<String> table = stdout().strip().lines().toList();
        assertEquals(4, table.size(), stdout());
        assertTrue(table.get(0).contains("mean ± std over seeds 1..2"), stdout());
        assertTrue(table.get(2).startsWith("0 ") && table.get(2).contains(" ± "), stdout());
        assertEquals(2, sweep("--seeds", "0"), stderr());
    }

    @Test
    void badInputIsOneLineAndExitTwo() {
        for (String[] bad : new String[][] {{"--values", "0,x"}, {"--values", "0,0"}, {"--values", ""},
            {"--precision", "fp8"}, {"--batch-norm", "maybe"}, {"--optimizer", "adamw"}, {"--loss-scale", "static:-1"},
            {"--svg", "/no/such/dir/plot.svg"}, {"--epochs", "0"}, {"--lr", "-1"}, {"--bogus", "1"}}) {
            assertEquals(2, sweep(bad), String.join(" ", bad) + ": " + stderr());
            assertEquals(1, stderr().strip().lines().count(), String.join(" ", bad) + ": " + stderr());
            assertTrue(stdout().isEmpty(), stdout());
        }
    }

    @Test
    void svgFileHelpersWriteAtomically() throws IOException {
        Path f = dir.resolve("x.svg");
        Files.writeString(f, "old");
        Relu0SweepCommand.writeAtomically(f, "<svg/>");
        assertEquals("<svg/>", Files.readString(f));
    }
}
