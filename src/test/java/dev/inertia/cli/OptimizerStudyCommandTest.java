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
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code inertia optimizer-study} on tiny data: its lines, its summary, its plot and its refusals. */
class OptimizerStudyCommandTest extends CommandHarness {
    @TempDir
    Path dir;
    private Path data;

    @BeforeEach
    void data() throws IOException {
        data = TinyData.writeDataDir(dir.resolve("fashion"), 32, 16);
    }

    private int study(String... argv) {
        List<String> all = new ArrayList<>(List.of("optimizer-study", "--data-dir", data.toString(), "--batch", "16",
                "--threads", "1"));
        all.addAll(List.of(argv));
        return run(all.toArray(String[]::new));
    }

    @Test
    void aLinePerRunThenASummaryAndTheCurves() throws IOException {
        Path svg = dir.resolve("study.svg");
        assertEquals(0, study("--optimizers", "innaprop:0.1:0.9,adamw", "--seeds", "2", "--seed-base", "5",
                "--train-size", "16", "--epochs", "2", "--json", "--svg", svg.toString()), stderr());
        List<String> lines = stdout().strip().lines().toList();
        assertEquals(6, lines.size(), "2 configurations x 2 seeds, then 2 summaries: " + stdout());
        for (int i = 0; i < 4; i++) {
            Map<String, Object> m = TinyData.parseJson(lines.get(i));
            assertEquals(i < 2 ? "innaprop" : "adamw", m.get("optimizer"), lines.get(i));
            assertEquals(5L + i % 2, ((Number) m.get("seed")).longValue());
            assertEquals(2, ((List<?>) m.get("train_loss")).size(), lines.get(i));
            assertEquals(2, ((List<?>) m.get("test_acc")).size(), lines.get(i));
            for (String f : List.of("alpha", "beta", "final_test_acc", "final_train_loss", "seconds", "config")) {
                assertTrue(m.containsKey(f), f + " in " + lines.get(i));
            }
            double acc = ((Number) m.get("final_test_acc")).doubleValue();
            assertTrue(acc >= 0 && acc <= 1, lines.get(i));
        }
        assertEquals(0.1, ((Number) TinyData.parseJson(lines.get(0)).get("alpha")).doubleValue());
        assertEquals(null, TinyData.parseJson(lines.get(2)).get("alpha"), "AdamW has no alpha: null");
        Map<String, Object> summary = TinyData.parseJson(lines.get(4));
        assertEquals(Boolean.TRUE, summary.get("summary"));
        assertEquals(2L, ((Number) summary.get("seeds")).longValue());
        assertTrue(summary.containsKey("final_test_acc_std") && summary.containsKey("final_train_loss_mean"));
        assertTrue(stderr().contains("innaprop:0.1:0.9") && stderr().contains(" ± "), "the table: " + stderr());
        Map<String, Integer> counts = SvgCheck.wellFormedElements(Files.readString(svg));
        assertEquals(4, counts.get("polygon"), "a band per configuration in each of the two panels");
    }

    @Test
    void aCsvStudyPrintsATable() throws IOException {
        Path csv = dir.resolve("three.csv");
        StringBuilder b = new StringBuilder("a,b,c,label\n");
        SplittableRandom random = new SplittableRandom(3);
        for (int i = 0; i < 60; i++) {
            int label = i % 3;
            b.append(label + random.nextDouble()).append(',').append(random.nextDouble()).append(',')
                    .append(-label + random.nextDouble()).append(',').append("class").append(label).append('\n');
        }
        Files.writeString(csv, b);
        assertEquals(0, run("optimizer-study", "--model", "csv", "--csv", csv.toString(), "--target", "label",
                "--hidden", "8", "--epochs", "2", "--batch", "8", "--seeds", "2", "--optimizers", "innaprop:1:1,sgd",
                "--threads", "1"), stderr());
        List<String> lines = stdout().strip().lines().toList();
        assertEquals(4 + 1 + 2, lines.size(), "4 runs, the table's header and 2 rows: " + stdout());
        assertTrue(lines.get(5).startsWith("innaprop:1:1") && lines.get(5).contains(" ± "), stdout());
        assertTrue(stderr().contains("csv on three.csv (48 training rows, 12 test)"), stderr());
    }

    @Test
    void badConfigurationsAreRefusedBeforeAnyTraining() {
        assertEquals(2, study("--optimizers", "innaprop:0.1:0.0005", "--lr", "0.001"));
        assertTrue(stderr().contains("INNAprop needs the learning rate below beta: lr 0.001 >= beta 5.0E-4"),
                stderr());
        assertTrue(stdout().isEmpty(), "nothing trained");
        assertEquals(2, study("--optimizers", "adam"));
        assertTrue(stderr().contains("unknown optimizer 'adam'"), stderr());
        assertEquals(2, study("--optimizers", "adamw:1:1"));
        assertEquals(2, study("--optimizers", "innaprop:x:1"));
        assertEquals(2, study("--optimizers", "adamw,adamw"));
        assertEquals(2, study("--csv", "x.csv"));
        assertEquals(2, run("optimizer-study", "--model", "csv", "--csv", "x.csv"));
        assertEquals(2, study("--svg", dir.resolve("missing/plot.svg").toString()));
        assertEquals(2, study("--weight-decay", "-1"));
        assertFalse(stderr().isBlank());
    }
}
