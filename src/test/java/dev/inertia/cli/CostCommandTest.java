package dev.inertia.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CostCommandTest extends CommandHarness {
    @Test
    void mlpAndCnnAreCheapToDifferentiate() {
        for (String model : new String[] {"mlp", "cnn"}) {
            assertEquals(0, run("cost", "--model", model, "--batch", "2", "--json"), stderr());
            String line = stdout().strip();
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
    void directionsCompareSeparateJvpsOneBlockSweepAndReverseMode() {
        for (String model : new String[] {"mlp"}) { // the cnn's blocks are checked in TangentBlockTest
            assertEquals(0, run("cost", "--model", model, "--batch", "1", "--directions", "3", "--repeats", "1",
                    "--json"), stderr());
            String line = stdout().strip();
            assertEquals(1, line.lines().count(), line);
            double forward = field(line, "forward_ops"), jvp = field(line, "jvp_ops");
            assertEquals(3 * (forward + jvp), field(line, "separate_jvps_ops"), 0, line);
            assertEquals(forward + 3 * jvp, field(line, "block_jvp_ops"), 0, line);
            assertTrue(field(line, "gradient_ops") > forward, line);
            for (String ms : new String[] {"separate_jvps_ms", "block_jvp_ms", "gradient_ms"}) {
                assertTrue(field(line, ms) >= 0, line);
            }
        }
        assertEquals(0, run("cost", "--model", "mlp", "--batch", "1", "--directions", "2", "--repeats", "1"),
                stderr());
        assertTrue(stdout().contains("one 2-direction sweep"), stdout());
        assertEquals(2, run("cost", "--directions", "0"));
        assertEquals("inertia: --directions must be at least 1, got 0", stderr().strip());
    }

    @Test
    void badModelIsAUsageError() {
        assertEquals(2, run("cost", "--model", "resnet"));
        assertEquals("inertia: --model must be one of mlp, cnn, got 'resnet'", stderr()
                .strip());
    }
}
