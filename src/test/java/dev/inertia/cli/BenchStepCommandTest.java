package dev.inertia.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class BenchStepCommandTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... argv) {
        return Main.run(argv, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void printsMedianBandwidthAndBytesPerParameter() {
        for (String name : new String[] {"innaprop", "inna", "adamw", "sgd", "rmsprop"}) {
            out.reset();
            assertEquals(0, run("bench", "step", "--optimizer", name, "--params", "1003", "--tensors", "2",
                    "--steps", "3", "--warmup", "1", "--dtype", "f64", "--json"), err.toString(StandardCharsets.UTF_8));
            String line = out.toString(StandardCharsets.UTF_8).strip();
            assertTrue(line.startsWith("{") && line.endsWith("}") && line.lines().count() == 1, line);
            assertTrue(line.contains("\"ms\": ") && line.contains("\"gbps\": "), line);
            assertTrue(line.contains("\"params\": 1003"), line);
        }
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("\"bytes_per_param\": 40"), "SGD-momentum F64");
        out.reset();
        assertEquals(0, run("bench", "step", "--optimizer", "innaprop", "--params", "1K", "--steps", "2", "--json"));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("\"bytes_per_param\": 28"));
    }

    @Test
    void badInputIsOneLineAndNonZero() {
        assertEquals(2, run("bench", "step", "--optimizer", "adam", "--params", "10"));
        assertEquals(1, err.toString(StandardCharsets.UTF_8).strip().lines().count());
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("--optimizer must be one of"));
        err.reset();
        assertEquals(2, run("bench", "step", "--optimizer", "sgd", "--params", "ten"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("--params expects"));
        err.reset();
        assertEquals(2, run("bench", "step", "--params", "10"));
        assertTrue(err.toString(StandardCharsets.UTF_8).startsWith("inertia: usage: inertia bench step"));
        err.reset();
        assertEquals(2, run("bench", "frob"));
        assertEquals(1, err.toString(StandardCharsets.UTF_8).strip().lines().count());
    }
}
