package dev.inertia.numerics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The optimizer studies' SVG writers: {@link BandPlot} (mean ± std curves) and {@link Heatmap}. */
class StudyPlotsTest {
    private static final double[] EPOCHS = {1, 2, 3};

    @Test
    void bandPlotHasOneBandAndOneLinePerSeriesInEachPanel() {
        BandPlot.Series a = BandPlot.Series.over("innaprop:0.1:0.9", EPOCHS, new double[][] {{1, 0.5, 0.3},
            {1.2, 0.7, 0.4}});
        BandPlot.Series b = BandPlot.Series.over("adamw & <co>", EPOCHS, new double[][] {{0.9, 0.6, 0.5}});
        String svg = BandPlot.svg(List.of(new BandPlot.Panel("Train loss", "epoch", "loss", List.of(a, b)),
                new BandPlot.Panel("Test accuracy", "epoch", "accuracy (%)", List.of(a, b))));
        Map<String, Integer> counts = SvgCheck.wellFormedElements(svg);
        assertEquals(4, counts.get("polygon"), "one band per series and panel");
        assertEquals(4, counts.get("polyline"), "one mean line per series and panel");
        assertEquals(12, counts.get("circle"), "a marker per point");
        assertTrue(svg.contains("adamw &amp; &lt;co&gt;"), "labels escaped");
        assertEquals(1.1, a.mean()[0], 1e-12);
        assertEquals(Math.sqrt(0.02), a.std()[0], 1e-12, "the sample standard deviation");
        assertEquals(0, b.std()[2], "one seed: no spread");
    }

    @Test
    void bandPlotBreaksAtNonFinitePointsAndNeverPrintsNaN() {
        BandPlot.Series diverged = BandPlot.Series.over("diverged", new double[] {1, 2, 3, 4, 5},
                new double[][] {{1, 0.8, Double.NaN, 0.5, 0.4}});
        BandPlot.Series nothing = BandPlot.Series.over("nothing", EPOCHS, new double[][] {{Double.NaN, Double.NaN,
            Double.NaN}});
        String svg = BandPlot.svg(List.of(new BandPlot.Panel("t", "x", "y", List.of(diverged, nothing))));
        Map<String, Integer> counts = SvgCheck.wellFormedElements(svg);
        assertEquals(2, counts.get("polygon"), "the band breaks around the NaN; an all-NaN series draws none");
        assertFalse(svg.contains("NaN") || svg.contains("Infinity"), svg);
        String empty = BandPlot.svg(List.of(new BandPlot.Panel("t", "x", "y", List.of(nothing))));
        assertEquals(null, SvgCheck.wellFormedElements(empty).get("polygon"));
        assertThrows(IllegalArgumentException.class, () -> new BandPlot.Series("bad", EPOCHS, new double[2],
                new double[3]));
        assertThrows(IllegalArgumentException.class, () -> BandPlot.svg(List.of()));
    }

    @Test
    void heatmapHasACellPerValueWithItsTextAndALegend() {
        double[][] values = {{80.5, Double.NaN}, {90.25, 85}};
        String[][] text = {{"80.50", "skipped"}, {"90.25", "85.00"}};
        String svg = Heatmap.svg("INNAprop <grid>", "alpha", "beta", new String[] {"0.1", "2"},
                new String[] {"0.0005", "1"}, values, text);
        Map<String, Integer> counts = SvgCheck.wellFormedElements(svg);
        assertEquals(4 + 10, counts.get("rect") - 1, "4 cells, 10 legend bands (and the background)");
        assertEquals(4, svg.split("class=\"cell\"", -1).length - 1);
        for (String t : List.of("80.50", "skipped", "90.25", "85.00", "INNAprop &lt;grid&gt;")) {
            assertTrue(svg.contains(">" + t + "<"), t + " in " + svg);
        }
        assertTrue(svg.contains("fill=\"#cccccc\""), "the NaN cell is grey");
        assertTrue(svg.contains(Heatmap.color(0)) && svg.contains(Heatmap.color(1)), "both ends of the scale used");
        assertFalse(svg.contains("NaN"), svg);
        assertEquals("#440154", Heatmap.color(0));
        assertEquals("#fde725", Heatmap.color(1));
        assertEquals(Heatmap.color(1), Heatmap.color(7), "clamped");
        assertThrows(IllegalArgumentException.class, () -> Heatmap.svg("t", "a", "b", new String[] {"1"},
                new String[] {"1", "2"}, new double[][] {{1}}, new String[][] {{"1"}}));
    }
}
