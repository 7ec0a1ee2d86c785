package dev.inertia.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class CostCommandTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... argv) {
        return Main.run(argv, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private static double field(String json, String name) {
        Matcher m = Pattern.compile("\"" + name + "\": ([0-9.Ee+-]+)").matcher(json);
        assertTrue(m.find(), name + " in " + json);
        return Double.parseDouble(m.group(1));
    }

    @Test
    void mlpAndCnnAreCheapToDifferentiate() {
        for (String model : new String[] {"mlp", "cnn"}) {
            out.reset();
            assertEquals(0, run("cost", "--model", model, "--batch", "2", "--json"), err.toString());
            String line = out.toString(StandardCharsets.UTF_8).strip();
            assertEquals(1, line.lines().count(), line);
            double forward = field(line, "forward_ops");
            double backward = field(line, "backward_ops");
            assertTrue(forward > 0 && field(line, "jvp_ops") > 0, line);
            assertEquals(backward / forward, field(line, "backward_over_forward"), 1e-4, line);
            assertTrue(field(line, "backward_over_forward") <= 3, line);
            assertEquals(model.equals("mlp") ? 1863690 : 3274634, (long) field(line, "params"), line);
        }
    }

    @Test
    void badModelIsAUsageError() {
        assertEquals(2, run("cost", "--model", "resnet"));
        assertEquals("inertia: --model must be one of mlp, cnn, got 'resnet'", err.toString(StandardCharsets.UTF_8)
                .strip());
    }
}
