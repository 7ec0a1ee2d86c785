package dev.inertia.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.inertia.numerics.SvgCheck;
import dev.inertia.train.TinyData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code inertia alpha-beta-grid} on tiny data: a line per cell, skipped cells reported, the heatmap. */
class AlphaBetaGridCommandTest extends CommandHarness {
    @TempDir
    Path dir;

    @Test
    void aLinePerCellSkippedCellsReportedAndAHeatmap() throws IOException {
        Path data = TinyData.writeDataDir(dir.resolve("fashion"), 32, 16);
        Path svg = dir.resolve("grid.svg");
        assertEquals(0, run("alpha-beta-grid", "--data-dir", data.toString(), "--alphas", "0.5,2", "--betas",
                "0.0005,1", "--epochs", "1", "--train-size", "16", "--batch", "8", "--seeds", "2", "--threads", "1",
                "--json", "--svg", svg.toString()), stderr());
        List<String> lines = stdout().strip().lines().toList();
        assertEquals(4, lines.size(), stdout());
        for (int i = 0; i < 4; i++) {
            Map<String, Object> m = TinyData.parseJson(lines.get(i));
            assertEquals(List.of(0.5, 0.5, 2.0, 2.0).get(i), ((Number) m.get("alpha")).doubleValue());
            assertEquals(List.of(0.0005, 1.0).get(i % 2), ((Number) m.get("beta")).doubleValue());
            boolean skipped = i % 2 == 0; // the default lr 1e-3 is not below beta 0.0005
            assertEquals(skipped, m.get("skipped"), lines.get(i));
            if (skipped) {
                assertEquals("INNAprop needs the learning rate below beta: lr 0.001 >= beta 5.0E-4", m.get("reason"));
            } else {
                assertEquals(2L, ((Number) m.get("seeds")).longValue());
                double acc = ((Number) m.get("test_acc_mean")).doubleValue();
                assertTrue(acc >= 0 && acc <= 1, lines.get(i));
                assertTrue(m.containsKey("test_acc_std") && m.containsKey("train_loss_mean"), lines.get(i));
            }
        }
        assertTrue(stderr().contains("16 training rows"), stderr());
        String text = Files.readString(svg);
        SvgCheck.wellFormedElements(text);
        assertEquals(4, text.split("class=\"cell\"", -1).length - 1, "a cell per (alpha, beta)");
        assertEquals(2, text.split(">skipped<", -1).length - 1, "skipped cells shown as such");
        assertTrue(text.contains(">0.0005<") && text.contains(">alpha<") && text.contains(">beta<"), text);
    }

    @Test
    void badGridsAreUsageErrors() {
        assertEquals(2, run("alpha-beta-grid", "--alphas", "0.1,x"));
        assertEquals(2, run("alpha-beta-grid", "--betas", "0"));
        assertEquals(2, run("alpha-beta-grid", "--optimizers", "adamw"));
        assertEquals(2, run("alpha-beta-grid", "--model", "rnn"));
    }
}
