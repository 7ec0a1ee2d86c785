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

    /** Issue 18, item 1: a 10-million-digit integer was turned into a BigInteger (minutes); now the length is checked first. */
    @Test
    void hugeNumbersAreRejectedBeforeConversion() {
        String digits = "9".repeat(10_000_000);
        for (String text : new String[] {"{\"x\":" + digits + "}", "[-" + digits + "]", "[1." + digits + "]",
            "[1e" + digits + "]"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> JsonParser.parse(text));
            assertTrue(e.getMessage().contains("a number longer than " + JsonParser.MAX_NUMBER_CHARS + " characters"),
                    e.getMessage());
            int start = text.startsWith("{") ? 5 : 1; // where the number token begins
            assertTrue(e.getMessage().endsWith("at character " + start), e.getMessage());
        }
        // The limit is the longest token converted: one digit more is refused, the limit itself is parsed.
        String longest = "1".repeat(JsonParser.MAX_NUMBER_CHARS);
        assertEquals(new BigInteger(longest), JsonParser.parse(longest));
        assertThrows(IllegalArgumentException.class, () -> JsonParser.parse(longest + "1"));
        assertEquals(Long.MAX_VALUE, JsonParser.parse(Long.toString(Long.MAX_VALUE)));
        assertEquals(Long.MIN_VALUE, JsonParser.parse(Long.toString(Long.MIN_VALUE)));
        assertEquals(new BigInteger("9223372036854775808"), JsonParser.parse("9223372036854775808"));
        assertEquals(-123456789012345678L, JsonParser.parse("-123456789012345678"));
    }
}
