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
        assertEquals(2, field(line, "no_difference_batches") + field(line, "compensation_batches")
                + field(line, "hit_batches"), line);
        double share = field(line, "batch_hit_share");
        assertTrue(share >= 0 && share <= 1, line);
    }

    /** A tiny MLP run on the bundled sample, with {@code more} flags. */
    private int tiny(String... more) {
        List<String> argv = new java.util.ArrayList<>(List.of("bifurcation", "--precision", "fp16", "--hidden", "1",
                "--width", "8", "--inits", "2", "--batch", "8", "--max-batches", "3"));
        argv.addAll(List.of(more));
        return run(argv.toArray(String[]::new));
    }

    @Test
    void jsonLineCarriesTheThreeZones() {
        assertEquals(0, tiny("--json", "--tau", "2.5e-3"), stderr());
        String line = stdout().strip();
        assertEquals(1, line.lines().count(), "one seed, one line: " + line);
        assertEquals(2.5e-3, field(line, "tau"), line);
        double checked = field(line, "batches_checked");
        assertEquals(checked, field(line, "no_difference_batches") + field(line, "compensation_batches")
                + field(line, "bifurcation_batches"), line);
        assertEquals(field(line, "compensation_batches") / checked, field(line, "compensation_share"), 1e-12, line);
        assertEquals(field(line, "hits"), field(line, "bifurcation_batches"), line);
        assertTrue(field(line, "largest_difference") >= 0, line);
    }

    @Test
    void badTauIsOneLineAndExitTwo() {
        for (String bad : new String[] {"-1e-7", "NaN", "Infinity", "-0.5", "tiny"}) {
            assertEquals(2, tiny("--tau", bad), bad + ": " + stderr());
            String message = stderr().strip();
            assertEquals(1, message.lines().count(), message);
            assertTrue(message.contains("--tau"), message);
            assertTrue(stdout().isEmpty(), stdout());
        }
        assertEquals(2, tiny("--seeds", "0"), stderr());
        assertEquals(2, tiny("--histogram", "/no/such/dir/h.svg"), stderr());
        assertEquals(1, stderr().strip().lines().count(), stderr());
    }

    @Test
    void seedsPrintALinePerSeedAndASummary() {
        assertEquals(0, tiny("--seed", "5", "--seeds", "2", "--json"), stderr());
        List<String> lines = stdout().strip().lines().toList();
        assertEquals(3, lines.size(), "2 seeds + the summary: " + lines);
        assertEquals(5, field(lines.get(0), "seed"), lines.toString());
        assertEquals(6, field(lines.get(1), "seed"), lines.toString());
        String summary = lines.get(2);
        assertTrue(summary.contains("\"summary\": true"), summary);
        assertEquals(2, field(summary, "seeds"), summary);
        assertEquals(5, field(summary, "seed_first"), summary);
        assertEquals(6, field(summary, "seed_last"), summary);
        double mean = (field(lines.get(0), "compensation_share") + field(lines.get(1), "compensation_share")) / 2;
        assertEquals(mean, field(summary, "compensation_share_mean"), 1e-12, summary);
        assertTrue(field(summary, "hit_share_std") >= 0, summary);

        assertEquals(0, tiny("--seed", "5", "--seeds", "2"), stderr());
        List<String> table = stdout().strip().lines().toList();
        assertEquals(5, table.size(), "title, header, 2 seeds, mean ± std: " + table);
        assertTrue(table.get(1).contains("compensation"), table.toString());
        assertTrue(table.get(2).startsWith("5 ") && table.get(3).startsWith("6 "), table.toString());
        assertTrue(table.get(4).startsWith("mean ± std") && table.get(4).contains(" ± "), table.toString());
    }

    @Test
    void histogramBarsSumToTheMiniBatches(@TempDir Path dir) throws Exception {
        Path svg = dir.resolve("zones.svg");
        assertEquals(0, tiny("--seeds", "2", "--json", "--histogram", svg.toString()), stderr());
        List<String> lines = stdout().strip().lines().toList();
        String text = java.nio.file.Files.readString(svg);
        dev.inertia.numerics.SvgCheck.wellFormedElements(text);
        long batches = (long) (field(lines.get(0), "batches_checked") + field(lines.get(1), "batches_checked"));
        assertEquals(batches, dev.inertia.numerics.SvgCheck.histogramTotal(text), text);
        assertTrue(text.contains("class=\"tau\""), text);
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
