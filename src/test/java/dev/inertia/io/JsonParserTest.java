package dev.inertia.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonParserTest {
    @Test
    void parsesValues() {
        Object v = JsonParser.parse(" {\"a\": [1, -2, 3.5, 1e3, true, false, null], \"b\": {\"c\": \"x\\\"y\\u00e9\\n\"},"
                + " \"big\": 18446744073709551615, \"empty\": {}, \"none\": []} ");
        Map<?, ?> m = (Map<?, ?>) v;
        assertEquals(List.of(1L, -2L, 3.5, 1000.0, true, false), ((List<?>) m.get("a")).subList(0, 6));
        assertNull(((List<?>) m.get("a")).get(6));
        assertEquals("x\"y\u00e9\n", ((Map<?, ?>) m.get("b")).get("c"));
        assertEquals(new BigInteger("18446744073709551615"), m.get("big"));
        assertEquals(Map.of(), m.get("empty"));
        assertEquals(List.of(), m.get("none"));
        assertEquals(List.of("a", "b", "big", "empty", "none"), List.copyOf(m.keySet()), "insertion order");
    }

    @Test
    void rejectsMalformedText() {
        String[] bad = {"", "{", "{\"a\":1,}", "{\"a\" 1}", "{a:1}", "[1 2]", "\"open", "{\"a\":01}", "{\"a\":-}",
            "{\"a\":1.}", "{\"a\":tru}", "{\"a\":1} x", "{\"a\":1,\"a\":2}", "\"\\x\"", "\"\\u12\"", "\"tab\there\"",
            "[".repeat(100) + "]".repeat(100)};
        for (String text : bad) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> JsonParser.parse(text),
                    text);
            assertTrue(e.getMessage().contains("at character") || e.getMessage().contains("duplicate"),
                    text + " -> " + e.getMessage());
        }
    }
}
