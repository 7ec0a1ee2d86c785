package dev.inertia.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** {@code inertia warmup}: the launcher's AOT training run trains both models and predicts. */
class WarmupCommandTest extends CommandHarness {
    @Test
    void trainsBothModelsAndPredictsOnTheBundledSample() {
        // a cold cnn step on the scalar twins takes tens of seconds; the scalar path is trained elsewhere
        Assumptions.assumeTrue(ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent(),
                "runs in the SIMD execution only");
        assertEquals(0, run("warmup", "--mlp-steps", "1", "--cnn-steps", "1", "--threads", "1", "--json"), stderr());
        List<String> lines = stdout().lines().toList();
        assertEquals(3, lines.size(), stdout());
        assertTrue(lines.get(0).contains("\"part\": \"mlp\""), lines.get(0));
        assertTrue(lines.get(1).contains("\"part\": \"cnn\""), lines.get(1));
        for (String line : lines.subList(0, 2)) {
            assertEquals(1, field(line, "steps"), line);
            assertTrue(field(line, "first_step_ms") > 0, line);
        }
        assertTrue(lines.get(2).contains("\"part\": \"predict\""), lines.get(2));
        assertEquals(16, field(lines.get(2), "rows"), lines.get(2));
        assertTrue(stderr().startsWith("warmup: "), stderr());
    }

    @Test
    void badFlagsAreOneLineAndExit2() {
        assertEquals(2, run("warmup", "--mlp-steps", "0"));
        assertEquals(1, stderr().strip().lines().count(), stderr());
        assertEquals(2, run("warmup", "--frob"));
        assertEquals(1, stderr().strip().lines().count(), stderr());
        assertEquals(0, run("warmup", "--help"));
        assertTrue(stdout().contains("usage: inertia warmup"), stdout());
    }
}
