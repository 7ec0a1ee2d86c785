package dev.inertia.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.inertia.memory.Scope;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGKILL at random (seeded) moments: a child JVM ({@link KillTestChild}) trains with a checkpoint
 * every three steps and is killed {@link #KILLS} times, a third of them at a random delay after it
 * started, two thirds aimed inside its first, second or third checkpoint write (the moment that
 * write's temporary file appears, plus a random few milliseconds). After every kill the checkpoint that survived loads and the
 * next child resumes from it, never behind the last one seen; after one more, uninterrupted run
 * no temporary file is left. The SIGTERM case of the command line is here too (a child JVM as
 * well). Runs in the default surefire execution only (the one with the vector module).
 */
class KillTest {
    private static final int KILLS = 20;
    private static final long READY_TIMEOUT_S = 60;

    @TempDir
    Path dir;

    private static void assumeDefaultExecution() {
        assumeTrue(ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent(),
                "runs once, in the default execution");
    }

    private static List<String> java(String mainClass, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (arg.startsWith("--add-modules") || arg.startsWith("-Dinertia.")) {
                cmd.add(arg);
            }
        }
        cmd.addAll(List.of("-Xmx256m", "-XX:+UseSerialGC", "-Dinertia.threads=1", "-cp",
                System.getProperty("java.class.path"), mainClass));
        cmd.addAll(List.of(args));
        return cmd;
    }

    private static Process start(List<String> cmd, File log) throws IOException {
        return new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectError(ProcessBuilder.Redirect.appendTo(log)).start();
    }

    /** The step of the child's {@code ready <step>} line. */
    private static long awaitReady(Process p, BufferedReader out, File log) throws IOException {
        String line = out.readLine();
        if (line == null || !line.startsWith("ready ")) {
            throw new AssertionError("the child did not get ready (" + line + "); its stderr:\n"
                    + Files.readString(log.toPath()));
        }
        return Long.parseLong(line.substring("ready ".length()));
    }

    private List<Path> temps() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".tmp")).toList();
        }
    }

    /** Loads the checkpoint as a resuming run would and returns its step. */
    private static long loadStep(Path ck) throws IOException {
        try (Scope scope = Scope.open(); Trainer t = new Trainer(KillTestChild.config(ck, true, 0),
                KillTestChild.model(scope), KillTestChild.trainSet(), KillTestChild.testSet(), "tiny")) {
            t.resume();
            return t.globalStep();
        }
    }

    @Test
    void everyCheckpointSurvivingSigkillLoadsAndResumes() throws Exception {
        assumeDefaultExecution();
        long seed = System.nanoTime();
        Random random = new Random(seed);
        String why = "seed " + seed + " (new Random(seed) drives the kill points)";
        System.out.println("KillTest " + why);
        Path ck = dir.resolve("ck.safetensors");
        File log = dir.resolve("child.log").toFile();
        long lastStep = 0;
        int insideWrite = 0, aimed = 0;
        long t0 = System.nanoTime();
        for (int kill = 0; kill < KILLS; kill++) {
            Process p = start(java(KillTestChild.class.getName(), ck.toString()), log);
            try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(),
                    StandardCharsets.UTF_8))) {
                long ready = awaitReady(p, out, log);
                assertTrue(ready >= lastStep, why + ": kill " + kill + " resumed at step " + ready + ", behind "
                        + lastStep);
                if (kill % 3 == 0) {
                    Thread.sleep(random.nextInt(1000));
                } else {
                    // inside the first, second or third checkpoint write of this child (each uses a new name)
                    aimed++;
                    int writes = 1 + random.nextInt(3);
                    java.util.Set<Path> seen = new java.util.HashSet<>(temps());
                    int before = seen.size();
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(READY_TIMEOUT_S);
                    while (seen.size() - before < writes && System.nanoTime() < deadline && p.isAlive()) {
                        seen.addAll(temps());
                        java.util.concurrent.locks.LockSupport.parkNanos(100_000); // leave the CPU to the child
                    }
                    int delayMicros = random.nextInt(3000);
                    if (delayMicros > 0) {
                        TimeUnit.MICROSECONDS.sleep(delayMicros);
                    }
                }
                p.destroyForcibly(); // SIGKILL
                assertTrue(p.waitFor(30, TimeUnit.SECONDS), why + ": the child did not die");
            }
            if (!temps().isEmpty()) {
                insideWrite++;
            }
            if (Files.exists(ck)) {
                long step = loadStep(ck);
                assertTrue(step >= lastStep, why + ": the checkpoint after kill " + kill + " is at step " + step
                        + ", behind " + lastStep);
                lastStep = step;
            }
        }
        System.out.printf("KillTest: %d kills (%d aimed at the write), %d inside a write (a temporary file left),"
                + " last checkpoint at step %d, %.1f s%n", KILLS, aimed, insideWrite, lastStep,
                (System.nanoTime() - t0) / 1e9);
        assertTrue(Files.exists(ck), why + ": no checkpoint was ever written");
        assertTrue(insideWrite > 0, why + ": no kill landed inside a checkpoint write, so the test proved nothing"
                + " about them");
        // one more run, to its end: it resumes and its writes remove what the killed writers left
        Process last = start(java(KillTestChild.class.getName(), ck.toString(), "4"), log);
        try (BufferedReader out = new BufferedReader(new InputStreamReader(last.getInputStream(),
                StandardCharsets.UTF_8))) {
            assertEquals(lastStep, awaitReady(last, out, log), why + ": resumed where the last checkpoint stands");
            assertEquals("done " + (lastStep + 4), out.readLine(), why);
            assertEquals(0, last.waitFor(), why);
        }
        assertEquals(List.of(), temps(), why + ": temporary files left after a clean run");
        assertEquals(lastStep + 4, loadStep(ck), why);
    }

    @Test
    void sigtermStopsTrainingCleanlyAndExitsNonZero() throws Exception {
        assumeDefaultExecution();
        Path data = TinyData.writeDataDir(dir.resolve("data"), 48, 8);
        Path ck = dir.resolve("term.safetensors");
        File log = dir.resolve("term.log").toFile();
        Process p = start(java("dev.inertia.cli.Main", "train", "--data-dir", data.toString(), "--batch", "16",
                "--epochs", "100000", "--checkpoint", ck.toString(), "--schedule", "constant"), log);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(READY_TIMEOUT_S);
        while (!Files.readString(log.toPath()).contains("checkpoint written") && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertTrue(p.isAlive(), Files.readString(log.toPath()));
        p.destroy(); // SIGTERM
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        String err = Files.readString(log.toPath());
        assertEquals(143, p.exitValue(), "128 + SIGTERM; stderr:\n" + err);
        assertTrue(err.contains("interrupted at step") && err.contains("continue with --resume " + ck), err);
        assertEquals(List.of(), temps());
    }
}
