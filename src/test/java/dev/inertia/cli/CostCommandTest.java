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
    void badModelIsAUsageError() {
        assertEquals(2, run("cost", "--model", "resnet"));
        assertEquals("inertia: --model must be one of mlp, cnn, got 'resnet'", stderr()
                .strip());
    }
}
