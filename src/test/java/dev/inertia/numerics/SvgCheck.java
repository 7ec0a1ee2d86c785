package dev.inertia.numerics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Checks the SVG documents the plots write, without an XML parser. */
public final class SvgCheck {
    private SvgCheck() {}

    private static final Pattern TAG = Pattern.compile("<(/?)([A-Za-z][\\w:-]*)((?:\\s+[\\w:-]+=\"[^\"<&]*"
            + "(?:&[a-z]+;[^\"<&]*)*\")*)\\s*(/?)>");

    /**
     * Checks {@code xml} is well formed for what {@link LinePlot}, {@link BandPlot} and {@link Heatmap} write (an
     * XML declaration, then nested elements with quoted attributes, text with escaped markup) and
     * counts its elements by name. The module does not read java.xml, so no parser here.
     */
    public static Map<String, Integer> wellFormedElements(String xml) {
        assertTrue(xml.startsWith("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"), xml);
        String body = xml.substring(xml.indexOf("?>") + 2);
        Matcher m = TAG.matcher(body);
        Deque<String> open = new ArrayDeque<>();
        Map<String, Integer> counts = new java.util.HashMap<>();
        int at = 0;
        boolean rootClosed = false;
        while (m.find()) {
            String text = body.substring(at, m.start());
            assertFalse(text.contains("<") || text.contains(">") || text.replaceAll("&(amp|lt|gt|quot|apos);", "")
                    .contains("&"), "unescaped text '" + text + "'");
            assertFalse(rootClosed && !text.isBlank(), "text after the root element");
            String name = m.group(2);
            if (m.group(1).equals("/")) {
                assertEquals(name, open.pollLast(), "closing tag at " + m.start());
                rootClosed = open.isEmpty();
            } else {
                assertFalse(rootClosed, "a second root element");
                counts.merge(name, 1, Integer::sum);
                if (m.group(4).isEmpty()) {
                    open.addLast(name);
                }
            }
            at = m.end();
        }
        assertTrue(body.substring(at).isBlank(), "trailing content");
        assertTrue(open.isEmpty() && rootClosed, "unclosed elements " + open);
        assertEquals(1, counts.get("svg"));
        return counts;
    }
}
