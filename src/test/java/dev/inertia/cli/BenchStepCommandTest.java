package dev.inertia.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class BenchStepCommandTest extends CommandHarness {
    @Test
    void printsMedianBandwidthAndBytesPerParameter() {
        for (String name : new String[] {"innaprop", "inna", "adamw", "sgd", "rmsprop"}) {
            assertEquals(0, run("bench", "step", "--optimizer", name, "--params", "1003", "--tensors", "2",
                    "--steps", "3", "--warmup", "1", "--dtype", "f64", "--json"), stderr());
            String line = stdout().strip();
            assertTrue(line.startsWith("{") && line.endsWith("}") && line.lines().count() == 1, line);
            assertTrue(line.contains("\"ms\": ") && line.contains("\"gbps\": "), line);
            assertTrue(line.contains("\"params\": 1003"), line);
            assertTrue(field(line, "first_step_ms") > 0, line);
        }
        assertTrue(stdout().contains("\"bytes_per_param\": 40"), "SGD-momentum F64");
        assertEquals(0, run("bench", "step", "--optimizer", "innaprop", "--params", "1K", "--steps", "2", "--json"));
        assertTrue(stdout().contains("\"bytes_per_param\": 28"));
    }

    @Test
    void badInputIsOneLineAndNonZero() {
        assertEquals(2, run("bench", "step", "--optimizer", "adam", "--params", "10"));
        assertEquals(1, stderr().strip().lines().count());
        assertTrue(stderr().contains("--optimizer must be one of"));
        assertEquals(2, run("bench", "step", "--optimizer", "sgd", "--params", "ten"));
        assertTrue(stderr().contains("--params expects"));
        assertEquals(2, run("bench", "step", "--params", "10"));
        assertTrue(stderr().startsWith("inertia: usage: inertia bench step"));
        assertEquals(2, run("bench", "frob"));
        assertEquals(1, stderr().strip().lines().count());
    }
}
