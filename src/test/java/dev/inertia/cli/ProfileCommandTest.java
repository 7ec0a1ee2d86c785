package dev.inertia.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ProfileCommandTest extends CommandHarness {
    /** The JSON row of {@code kernel} at {@code shape} in {@code section}; fails when there is none. */
    private static String row(List<String> lines, String section, String kernel, String shape) {
        String wanted = "\"section\": \"" + section + "\", \"kernel\": \"" + kernel + "\", \"shape\": \"" + shape + "\"";
        return lines.stream().filter(l -> l.contains(wanted)).findFirst()
                .orElseThrow(() -> new AssertionError(wanted + " in " + String.join("\n", lines)));
    }

    @Test
    void profilesTheMlpStepKernelByKernel() {
        assertEquals(0, run("profile", "--model", "mlp", "--batch", "4", "--threads", "1", "--steps", "2",
                "--warmup-steps", "1", "--peak-ms", "1", "--json"), stderr());
        List<String> lines = stdout().strip().lines().toList();
        // Forward: x · Wᵀ with the bias in the epilogue, then the ReLU pass, per layer.
        assertEquals(1, field(row(lines, "forward", "gemm NT+epilogue", "4x1024x784"), "calls_per_step"));
        assertEquals(2, field(row(lines, "forward", "relu", "4096"), "calls_per_step"));
        row(lines, "forward", "softmaxCrossEntropy", "4x10");
        // Backward: dW = dzᵀ · x for every layer, dx = dz · W for all but the first (its input is data).
        row(lines, "backward", "gemm TN", "1024x784x4");
        row(lines, "backward", "gemm NN", "4x1024x1024");
        assertTrue(lines.stream().noneMatch(l -> l.contains("\"shape\": \"4x784x1024\"")), stdout());
        row(lines, "backward", "reluBackward", "4096");
        row(lines, "optimizer", "sgd step", "1863690 params");
        for (String section : List.of("forward", "backward", "optimizer")) {
            row(lines, section, "(tape and other)", "");
        }
        String summary = lines.getLast();
        assertTrue(summary.contains("\"optimizer\": \"sgd\"") && summary.contains("\"threads\": 1"), summary);
        // The products: 2·4·(784·1024 + 1024·1024 + 1024·10) forward, as many for dW, the dx of two layers.
        double flops = 2.0 * 4 * (2 * (784 * 1024 + 1024 * 1024 + 1024 * 10) + 1024 * 1024 + 10 * 1024);
        assertEquals(Math.round(flops / 1e5) / 1e4, field(summary, "step_gflop"), summary);
        assertTrue(field(summary, "step_ms_p50") > 0 && field(summary, "peak_gflops") > 0, summary);
        assertEquals(2, field(summary, "peak_probes"), summary); // before the 2 steps and after them
    }

    @Test
    void profilesTheCnnAndPrintsATable() {
        assertEquals(0, run("profile", "--model", "cnn", "--optimizer", "adamw", "--batch", "2", "--threads", "2",
                "--steps", "1", "--warmup-steps", "0", "--peak-ms", "0"), stderr());
        String text = stdout();
        assertTrue(text.startsWith("profile cnn adamw, batch 2, 2 thread(s), 1 steps after 0 warm-up"), text);
        assertTrue(text.contains("conv2d ") && text.contains("conv2dBackward dW+dX") && text.contains("maxPoolBackward")
                && text.contains("adamw step"), text);
    }

    @Test
    void badInputIsOneLineAndExitTwo() {
        String[][] bad = {
            {"profile", "--model", "resnet"},
            {"profile", "--optimizer", "lbfgs"},
            {"profile", "--batch", "0"},
            {"profile", "--steps", "0"},
            {"profile", "--warmup-steps", "-1"},
            {"profile", "--peak-ms", "-1"},
            {"profile", "--frobnicate"},
        };
        for (String[] argv : bad) {
            assertEquals(2, run(argv), String.join(" ", argv));
            String message = stderr().strip();
            assertEquals(1, message.lines().count(), message);
            assertTrue(message.startsWith("inertia: "), message);
        }
        assertEquals(0, run("profile", "--help"));
        assertTrue(stdout().contains("usage: inertia profile"), stdout());
    }
}
