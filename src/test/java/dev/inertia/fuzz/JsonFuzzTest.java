package dev.inertia.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.inertia.io.JsonParser;
import java.nio.charset.StandardCharsets;

/** The JSON reader of safetensors headers and model specs: a value or one IllegalArgumentException. */
class JsonFuzzTest {
    @FuzzTest
    void json(byte[] input) {
        String text = new String(input, StandardCharsets.UTF_8);
        try {
            JsonParser.parse(text);
        } catch (IllegalArgumentException e) {
            if (e.getMessage() == null || e.getMessage().contains("\n")) {
                throw new AssertionError("a refused JSON text must give one line, got: " + e.getMessage(), e);
            }
        }
    }
}
