package dev.inertia.numerics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class LinePlotTest {
    private static int count(String text, String what) {
        return text.split(java.util.regex.Pattern.quote(what), -1).length - 1;
    }

    @Test
    void oneLinePerSeriesBrokenAtMissingPoints() {
        String svg = LinePlot.svg("t", "x", "y", List.of(
                new LinePlot.Series("a", new double[] {0, 0.5, 1}, new double[] {1, 2, 3}),
                new LinePlot.Series("b", new double[] {0, 0.5, 1}, new double[] {3, Double.NaN, 1})));
        assertEquals(3, count(svg, "<polyline"), "b is broken at its NaN: " + svg);
        assertEquals(5, count(svg, "<circle"), svg);
        assertTrue(svg.startsWith("<?xml") && svg.strip().endsWith("</svg>"), svg);
    }

    @Test
    void aFixedRangeKeepsSmallDifferencesSmall() {
        String svg = LinePlot.svg("t", "s", "acc", List.of(new LinePlot.Series("a", new double[] {0, 1},
                new double[] {85.31, 85.44})), 80, 90);
        for (String tick : new String[] {">80<", ">82<", ">84<", ">86<", ">88<", ">90<"}) {
            assertTrue(svg.contains(tick), tick + " in " + svg);
        }
        String fitted = LinePlot.svg("t", "s", "acc", List.of(new LinePlot.Series("a", new double[] {0, 1},
                new double[] {85.31, 85.44})));
        assertTrue(count(fitted, ">85.3<") <= 1, "ticks are told apart: " + fitted);
        assertThrows(IllegalArgumentException.class, () -> LinePlot.svg("t", "x", "y", List.of(), 2, 1));
        assertThrows(IllegalArgumentException.class, () -> new LinePlot.Series("a", new double[1], new double[2]));
    }

    @Test
    void textIsEscaped() {
        assertEquals("a &lt;b&gt; &amp; &quot;c&quot; &apos;d&apos;", LinePlot.escape("a <b> & \"c\" 'd'"));
        String svg = LinePlot.svg("<&>", "x", "y", List.of());
        assertTrue(svg.contains("&lt;&amp;&gt;"), svg);
    }
}
