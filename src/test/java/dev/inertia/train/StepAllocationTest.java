package dev.inertia.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The steady-state training step allocates no off-heap memory, and its Java heap garbage is
 * bounded. The kernels allocate nothing once compiled; what remains is the tape's bookkeeping,
 * a few hundred bytes per recorded op (the {@code Var}, its rule, the tensor view and shape
 * arrays), 3 to 5 KB per step for these models. Issue 6 asks for under 1 KiB over 50 steps,
 * which needs the tape to reuse its nodes between runs; the bound here is what holds today, so
 * that a regression (boxed vectors in a kernel cost 30 KB to 400 KB per step) fails. Measured
 * on main after the SIMD GEMM and precision-emulation merges: ~8 KB per mlp step, up from ~3 KB
 * on the training branch before them; the cause is not found yet, hence 16 KiB for now.
 *
 * <p>Each measurement runs in a JVM of its own, with this JVM's module flags: inside the whole
 * suite, the JIT state left by other tests can keep a kernel from reaching C2 for a long time.
 */
class StepAllocationTest {
    private static final long HEAP_BOUND_PER_STEP = 16384;
    private static final Pattern RESULT = Pattern.compile("offheap=(\\d+) heap=(\\d+)");

    private static void check(String model) throws Exception {
        long bound = HEAP_BOUND_PER_STEP * StepAllocationProbe.STEPS;
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (arg.startsWith("--add-modules") || arg.startsWith("-Dinertia.")) {
                cmd.add(arg);
            }
        }
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), StepAllocationProbe.class.getName(), model,
                Long.toString(bound)));
        Process p = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), output);
        Matcher m = RESULT.matcher(output);
        assertTrue(m.find(), output);
        long offHeap = Long.parseLong(m.group(1)), heap = Long.parseLong(m.group(2));
        System.out.println(model + ": " + heap / StepAllocationProbe.STEPS + " heap bytes per step");
        assertEquals(0, offHeap, model + ": off-heap bytes allocated by steady-state steps");
        assertTrue(heap < bound, model + ": " + heap + " heap bytes over " + StepAllocationProbe.STEPS + " steps");
    }

    @Test
    void mlpStep() throws Exception {
        check("mlp");
    }

    /**
     * Convolution, ReLU, linear. MaxPool2d is left out here: its kernels once failed C1's register
     * allocation and boxed vectors (~0.4 MB a step); that is fixed, and PoolingAllocationTest now
     * checks the pooling kernels on their own.
     */
    @Test
    void convolutionStep() throws Exception {
        check("conv");
    }
}
