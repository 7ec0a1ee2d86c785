package dev.inertia.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.inertia.train.TinyData;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ClarkeEnumerateCommandTest extends CommandHarness {
    @Test
    void everyPatternIsADistinctCandidate() {
        assertEquals(0, run("clarke-enumerate", "--zeros", "1..8", "--width", "12", "--seed", "5", "--json"), stderr());
        List<String> lines = stdout().strip().lines().toList();
        assertEquals(8, lines.size(), stdout());
        for (int i = 0; i < lines.size(); i++) {
            Map<String, Object> m = TinyData.parseJson(lines.get(i));
            int z = i + 1;
            assertEquals(z, ((Number) m.get("zeros")).intValue(), lines.get(i));
            assertEquals(1L << z, ((Number) m.get("patterns")).longValue(), lines.get(i));
            assertEquals(1L << z, ((Number) m.get("distinct")).longValue(), lines.get(i));
            assertTrue(((Number) m.get("ms")).doubleValue() >= 0, lines.get(i));
        }
    }

    @Test
    void tableWithAHeader() {
        assertEquals(0, run("clarke-enumerate", "--zeros", "3"), stderr());
        List<String> lines = stdout().strip().lines().toList();
        assertEquals(3, lines.size(), stdout());
        assertTrue(lines.get(1).contains("distinct"), stdout());
        assertTrue(lines.get(2).matches("\\s*3\\s+8\\s+8\\s+\\S+"), lines.get(2));
    }

    @Test
    void badFlagsAreUsageErrors() {
        assertEquals(2, run("clarke-enumerate", "--zeros", "5..2"));
        assertEquals("inertia: --zeros expects N or A..B with 0 <= A <= B <= 20, got '5..2'", stderr().strip());
        assertEquals(2, run("clarke-enumerate", "--zeros", "1..10", "--width", "4"));
        assertEquals("inertia: --zeros up to 10 needs --width of at least 10, got 4", stderr().strip());
        assertEquals(2, run("clarke-enumerate", "--zeros", "1..30"));
        assertEquals(0, run("clarke-enumerate", "--help"));
        assertTrue(stdout().contains("usage: inertia clarke-enumerate"), stdout());
    }
}
