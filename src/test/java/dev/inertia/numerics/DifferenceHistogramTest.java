package dev.inertia.numerics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DifferenceHistogramTest {
    private static final long SEED = 11;

    @Test
    void everyDifferenceLandsInOneBin() {
        Random random = new Random(SEED);
        DifferenceHistogram a = new DifferenceHistogram(), b = new DifferenceHistogram();
        int n = 500;
        for (int i = 0; i < n; i++) {
            double d = switch (random.nextInt(4)) {
                case 0 -> 0;
                case 1 -> Math.pow(10, -12 + 10 * random.nextDouble());
                case 2 -> Double.NaN;
                default -> Math.pow(10, -40 * random.nextDouble());
            };
            (i % 2 == 0 ? a : b).record(d);
        }
        a.add(b);
        assertEquals(n, a.total(), "seed " + SEED);
        long inBins = a.zeros() + a.nonFinite() + a.bins().values().stream().mapToLong(Long::longValue).sum();
        assertEquals(n, inBins, "seed " + SEED);
        assertThrows(IllegalArgumentException.class, () -> a.record(-1));
    }

    @Test
    void binsAreClosedAboveSoTauEndsACompensationBin() {
        int b = DifferenceHistogram.BINS_PER_DECADE;
        assertEquals(-7 * b - 1, DifferenceHistogram.bin(1e-7), "1e-7 is the upper edge of its bin");
        assertEquals(-7 * b, DifferenceHistogram.bin(Math.nextUp(1e-7)));
        assertEquals(-3 * b - 1, DifferenceHistogram.bin(1e-3));
        assertEquals(-1, DifferenceHistogram.bin(1));
        assertEquals(-3 * b, DifferenceHistogram.bin(Math.nextUp(1e-3)));
        assertEquals(-15 * b - 1, DifferenceHistogram.bin(1e-15));
        assertEquals(-15 * b, DifferenceHistogram.bin(Math.nextUp(1e-15)));
        Random random = new Random(SEED);
        for (int i = 0; i < 1000; i++) {
            double d = Math.pow(10, -40 + 45 * random.nextDouble());
            int k = DifferenceHistogram.bin(d);
            assertTrue(DifferenceHistogram.upperEdge(k - 1) < d && d <= DifferenceHistogram.upperEdge(k),
                    d + " in bin " + k + " (seed " + SEED + ")");
        }
    }

    @Test
    void svgIsWellFormedAndItsBarsSumToTheMiniBatches(@TempDir Path dir) throws Exception {
        DifferenceHistogram h = new DifferenceHistogram();
        double[] values = {0, 0, 0, 3e-8, 1e-7, 2e-7, 5e-3, Double.NaN};
        for (double v : values) {
            h.record(v);
        }
        Path file = dir.resolve("h.svg");
        Files.writeString(file, "old");
        h.write(file, "fp32 <test> & τ", 1e-7);
        String svg = Files.readString(file);
        Map<String, Integer> elements = SvgCheck.wellFormedElements(svg);
        assertEquals(values.length, SvgCheck.histogramTotal(svg), svg);
        assertTrue(svg.contains("class=\"tau\""), "the tau line is drawn: " + svg);
        assertTrue(svg.contains("fp32 &lt;test&gt; &amp; τ"), svg);
        // zero bar, log bars from bin(3e-8) to bin(5e-3), a non-finite bar
        int logBars = DifferenceHistogram.bin(5e-3) - DifferenceHistogram.bin(3e-8) + 1;
        assertEquals(1 + logBars + 1 + 1, elements.get("rect"), "white background + bars: " + svg);
        try (var files = Files.list(dir)) {
            assertFalse(files.anyMatch(f -> !f.equals(file)), "no temporary file left");
        }
        String empty = new DifferenceHistogram().svg("no mini-batch", 1e-15);
        SvgCheck.wellFormedElements(empty);
        assertEquals(0, SvgCheck.histogramTotal(empty), empty);
    }
}
