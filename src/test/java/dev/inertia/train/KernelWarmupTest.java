package dev.inertia.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.inertia.data.Dataset;
import dev.inertia.memory.DType;
import dev.inertia.memory.Scope;
import dev.inertia.nn.ReLU;
import dev.inertia.nn.Sequential;
import dev.inertia.optim.OptimizerRegistry;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * The kernel warm-up changes no result (a run with it, without it, and beside a running one end
 * with the same bits), is started once per configuration whatever the number of threads asking,
 * never fails a run (its exceptions are logged once and swallowed), and runs on the scalar path.
 */
class KernelWarmupTest {
    private static final int SIDE = 16;

    /** The bits of every parameter after an epoch, then the validation loss's. */
    private static List<long[]> train(long seed, UnaryOperator<Trainer.Builder> warmup) throws Exception {
        Dataset train = TinyData.dataset("train", 128, SIDE, seed), test = TinyData.dataset("test", 64, SIDE, seed + 1);
        try (Scope scope = Scope.open();
                Trainer t = warmup.apply(Trainer.builder(TinyData.cnn(scope, SIDE, seed))
                        .optimizer(OptimizerRegistry.create("innaprop"))
                        .epochs(1).batchSize(32).seed(seed).threads(2)).build()) {
            t.fit(train, test);
            return TrainedBits.of(t, test);
        }
    }

    @Test
    void aRunWithTheWarmupEndsWithTheBitsOfOneWithout() throws Exception {
        long seed = 7;
        List<long[]> without = train(seed, b -> b.warmup(false));
        List<long[]> with = train(seed, b -> b.warmup(true));
        TrainedBits.assertSame(without, with, "seed " + seed + ", warm-up on vs off");
    }

    @Test
    void aWarmupRunningBesideTrainingChangesNoBits() throws Exception {
        long seed = 8;
        List<long[]> alone = train(seed, b -> b.warmup(false));
        // a warm-up of its own, so that it is surely running while the trainer trains
        KernelWarmup beside = KernelWarmup.startOnce("test-beside-" + System.nanoTime(),
                () -> KernelWarmup.train(DType.F32, true, "innaprop"));
        List<long[]> during = train(seed, b -> b.warmup(false));
        beside.await();
        assertFalse(beside.failed(), "the warm-up beside failed: " + beside);
        assertTrue(beside.steps() > 0, beside.toString());
        TrainedBits.assertSame(alone, during, "seed " + seed + ", alone vs beside a warm-up");
    }

    @Test
    void threadsAskingForOneConfigurationAtOnceGetOneWarmup() throws Exception {
        int callers = 8;
        CyclicBarrier together = new CyclicBarrier(callers);
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        try {
            List<Future<KernelWarmup>> asked = new ArrayList<>();
            for (int i = 0; i < callers; i++) {
                asked.add(pool.submit(() -> {
                    together.await();
                    return KernelWarmup.start(DType.F32, false, "SGD");
                }));
            }
            KernelWarmup first = asked.getFirst().get(5, TimeUnit.MINUTES);
            for (Future<KernelWarmup> f : asked) {
                assertSame(first, f.get(5, TimeUnit.MINUTES));
            }
            first.await();
            first.await(); // a second wait returns at once
            assertTrue(first.isDone());
            assertFalse(first.failed(), first.toString());
            assertTrue(first.steps() >= KernelWarmup.MIN_STEPS && first.steps() <= KernelWarmup.MAX_STEPS,
                    first.toString());
            assertTrue(first.millis() >= 0, first.toString());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aFailingWarmupCountsAsDoneAndRunsOnce() {
        String name = "test-failing-" + System.nanoTime();
        KernelWarmup failing = KernelWarmup.startOnce(name, () -> {
            throw new IllegalStateException("a broken warm-up");
        });
        failing.await();
        failing.await();
        assertTrue(failing.isDone());
        assertTrue(failing.failed());
        assertEquals(0, failing.steps());
        assertSame(failing, KernelWarmup.startOnce(name, () -> 1), "a configuration runs once");
    }

    /** In a JVM of its own, so that its log is the process's stderr: one warning for a failed warm-up. */
    @Test
    void aFailingWarmupIsLoggedOnce() throws IOException, InterruptedException {
        String output = probe("failing");
        assertTrue(output.contains("probe done"), output);
        int warnings = output.split("kernel warm-up \\(probe-failing\\) failed", -1).length - 1;
        assertEquals(1, warnings, output);
        assertTrue(output.contains("a broken warm-up"), output);
    }

    @Test
    void unknownOptimizersAndDtypesAreRefusedWhenStarted() {
        assertThrows(IllegalArgumentException.class, () -> KernelWarmup.start(DType.F32, false, "lbfgs"));
        assertThrows(IllegalArgumentException.class, () -> KernelWarmup.start(DType.BF16, false, "sgd"));
        // a trainer's warm-up takes SGD's pass for an optimizer the registry does not know, none for BF16
        assertEquals(null, KernelWarmup.startFor(new Sequential(new ReLU()), "Mine", DType.BF16));
    }

    @Test
    void theSwitchReadsThePropertyFirst() {
        String before = System.getProperty(KernelWarmup.PROPERTY);
        try {
            System.setProperty(KernelWarmup.PROPERTY, "false");
            assertFalse(KernelWarmup.enabled());
            System.setProperty(KernelWarmup.PROPERTY, "OFF");
            assertFalse(KernelWarmup.enabled());
            System.setProperty(KernelWarmup.PROPERTY, "true");
            assertTrue(KernelWarmup.enabled());
        } finally {
            if (before == null) {
                System.clearProperty(KernelWarmup.PROPERTY);
            } else {
                System.setProperty(KernelWarmup.PROPERTY, before);
            }
        }
    }

    /** In a JVM of its own on the scalar path (-Dinertia.simd=scalar): the scalar twins warm up. */
    @Test
    void theWarmupRunsOnTheScalarPath() throws IOException, InterruptedException {
        String output = probe("scalar");
        assertTrue(output.contains("probe done"), output);
    }

    /** Runs {@link KernelWarmupProbe} in {@code mode} on the scalar path; returns its output (stdout and stderr). */
    private static String probe(String mode) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(List.of("-Dinertia.simd=scalar", "-cp", System.getProperty("java.class.path"),
                KernelWarmupProbe.class.getName(), mode));
        Process p = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), output);
        assertEquals(0, p.exitValue(), output);
        return output;
    }
}
