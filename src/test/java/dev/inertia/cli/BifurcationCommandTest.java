package dev.inertia.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BifurcationCommandTest extends CommandHarness {
    @Test
    void tinyRunPrintsOneJsonLine() {
        assertEquals(0, run("bifurcation", "--precision", "fp16", "--hidden", "2", "--width", "16", "--inits", "2",
                "--batch", "16", "--max-batches", "3", "--json"), stderr());
        String line = stdout().strip();
        assertEquals(1, line.lines().count(), line);
        assertTrue(line.contains("\"precision\": \"fp16\""), line);
        assertEquals(2, field(line, "inits"), line);
        double share = field(line, "hit_share");
        assertEquals(field(line, "hits") / 2, share, 0, line);
        assertTrue(field(line, "zero_rate") >= 0 && field(line, "zero_rate") <= 1, line);
        double checked = field(line, "batches_checked");
        assertTrue(checked >= 2 && checked <= 6, line);
        assertTrue(field(line, "seconds") >= 0, line);
    }

    @Test
    void kinkReportAddsOneLinePerRelu() {
        assertEquals(0, run("bifurcation", "--precision", "bf16", "--hidden", "2", "--width", "8", "--inits", "1",
                "--batch", "8", "--max-batches", "2", "--kink-report", "--json"), stderr());
        List<String> lines = stdout().strip().lines().toList();
        assertEquals(3, lines.size(), lines.toString());
        assertTrue(lines.get(0).contains("\"op\": \"relu\"") && lines.get(1).contains("\"op\": \"relu\""),
                lines.toString());
        double smooth = field(lines.get(2), "smooth_share");
        assertTrue(smooth >= 0 && smooth <= 1, lines.toString());
    }

    @Test
    void poolVariantPrintsItsShares() {
        assertEquals(0, run("bifurcation", "--pool", "--channels", "2", "--precision", "fp32", "--inits", "1",
                "--batch", "4", "--max-batches", "2", "--json"), stderr());
        String line = stdout().strip();
        assertTrue(line.contains("\"mode\": \"pool\""), line);
        assertEquals(2, field(line, "batches_checked"), line);
        assertEquals(1e-7, field(line, "threshold"), line);
        double share = field(line, "batch_hit_share");
        assertTrue(share >= 0 && share <= 1, line);
    }

    @Test
    void poolAndMlpFlagsDoNotMix() {
        assertEquals(2, run("bifurcation", "--pool", "--width", "8"));
        assertEquals(2, run("bifurcation", "--channels", "8"));
    }

    @Test
    void defaultInitsDependOnThePrecision() {
        assertEquals(1000, BifurcationCommand.defaultInits(dev.inertia.autodiff.Precision.FP32));
        assertEquals(20, BifurcationCommand.defaultInits(dev.inertia.autodiff.Precision.FP64));
    }

    @Test
    void badPrecisionIsAUsageError() {
        assertEquals(2, run("bifurcation", "--precision", "fp8"));
        assertTrue(stderr().startsWith("inertia: --precision: unknown precision 'fp8'"),
                stderr());
    }

    @Test
    void missingDataDirIsAFailureNamingIt(@TempDir Path dir) {
        assertEquals(1, run("bifurcation", "--data-dir", dir.toString(), "--inits", "1"));
        String message = stderr().strip();
        assertEquals(1, message.lines().count(), message);
        assertTrue(message.contains(dir.toString()), message);
    }
}
