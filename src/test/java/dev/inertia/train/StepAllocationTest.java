package dev.inertia.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The steady-state training step allocates no off-heap memory and less than 1 KiB of Java heap
 * (issue 6), measured with ThreadMXBean over 50 steps, for every optimizer, for the built-in models
 * and for a user's own Module subclass through the general trainer (and so does a predictor's
 * call into a caller's array): the tape recycles its
 * nodes, rules and tensor views between runs, the optimizers reuse one pass object per parameter,
 * and the kernels allocate nothing once compiled (a kernel that boxes vectors costs 30 KB to
 * 400 KB a step, which this catches). The probe's JVM also logs its class loads, to show that no
 * kernel made the Vector API fall back to reinterpreting through a byte array (which boxes
 * vectors in the GEMM compiled after it: {@link #FALLBACK_SEGMENT}).
 *
 * <p>Each model is measured in a JVM of its own, with this JVM's module flags: inside the whole
 * suite, the JIT state left by other tests can keep a kernel from reaching C2 for a long time.
 */
class StepAllocationTest {
    private static final long HEAP_BOUND_PER_STEP = 1024;
    private static final Pattern RESULT = Pattern.compile("(\\w+) offheap=(\\d+) heap=(\\d+)");
    private static final List<String> OPTIMIZERS = List.of("innaprop", "inna", "adamw", "sgd", "rmsprop");

    /**
     * The segment class the Vector API's own fallback code makes when an operation it could not
     * compile reinterprets a vector (test(IS_NAN), reinterpretAs*, viewAs*): byte arrays wrapped in
     * segments. Once one reaches FloatVector.intoMemorySegment, that method's type profile holds a
     * second segment class, and a GEMM microkernel compiled afterwards boxes its accumulators: a
     * step of the cnn ran 60 -> 70 ms and allocated 130-260 MB, in one JVM of three or four.
     */
    private static final String FALLBACK_SEGMENT = "jdk.internal.foreign.HeapMemorySegmentImpl$OfByte";

    private static void check(String model, List<String> optimizers, Path dir) throws Exception {
        long bound = HEAP_BOUND_PER_STEP * StepAllocationProbe.STEPS;
        Path classLog = dir.resolve("classes.log");
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (arg.startsWith("--add-modules") || arg.startsWith("-Dinertia.")) {
                cmd.add(arg);
            }
        }
        cmd.add("-Xlog:class+load=info:file=" + classLog);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), StepAllocationProbe.class.getName(), model,
                Long.toString(bound), String.join(",", optimizers)));
        Process p = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), output);
        Matcher m = RESULT.matcher(output);
        int seen = 0;
        while (m.find()) {
            seen++;
            String what = model + " with " + m.group(1);
            long offHeap = Long.parseLong(m.group(2)), heap = Long.parseLong(m.group(3));
            System.out.println(what + ": " + heap / StepAllocationProbe.STEPS + " heap bytes per step");
            assertEquals(0, offHeap, what + ": off-heap bytes allocated by steady-state steps");
            assertTrue(heap < bound, what + ": " + heap + " heap bytes over " + StepAllocationProbe.STEPS + " steps");
        }
        assertEquals(optimizers.size(), seen, output);
        checkNoFallbackSegment(model, Files.readAllLines(classLog));
    }

    /** No kernel reinterpreted a vector through the fallback during the steps; the probe's control shows the log would tell. */
    private static void checkNoFallbackSegment(String model, List<String> classLoads) {
        int marker = -1, segment = -1;
        for (int i = 0; i < classLoads.size(); i++) {
            String line = classLoads.get(i);
            if (marker < 0 && line.contains(StepAllocationProbe.AfterSteps.class.getName())) {
                marker = i;
            }
            if (segment < 0 && line.contains(FALLBACK_SEGMENT + " ")) {
                segment = i;
            }
        }
        assertTrue(marker >= 0 && segment >= 0, model + ": the class-load log lacks the probe's marker or control");
        assertTrue(segment > marker, model + ": " + FALLBACK_SEGMENT + " was loaded during the steps (a SIMD kernel"
                + " reinterprets a vector: see the package documentation of dev.inertia.kernels.simd)");
    }

    /** Linear + ReLU (the fused op) and Linear, with every optimizer. */
    @Test
    void mlpStep(@TempDir Path dir) throws Exception {
        check("mlp", OPTIMIZERS, dir);
    }

    /** The general trainer: a user's Module subclass on a user's Dataset, with a feature scaling. */
    @Test
    void customModuleStep(@TempDir Path dir) throws Exception {
        check("custom", List.of("adamw", "innaprop"), dir);
    }

    /** A predictor's steady-state call, on the same custom Module. */
    @Test
    void predictorCall(@TempDir Path dir) throws Exception {
        check("predict", List.of("predict"), dir);
    }

    /** Convolution, ReLU, max pooling, flatten, linear. */
    @Test
    void convolutionStep(@TempDir Path dir) throws Exception {
        check("conv", List.of("sgd", "innaprop"), dir);
    }
}
