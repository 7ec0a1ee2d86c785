package dev.inertia.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code ./inertia} launcher's AOT cache (scripts/aot-cache.sh), run as a user runs it on a
 * copy of the repository's launcher with a jar of the compiled classes: the first run records the
 * cache with one line on stderr, the next uses it silently, a damaged cache is recorded again and
 * a failed recording is skipped, each with one line, and the command's own output never changes.
 * The training run is {@code cost} ({@code INERTIA_AOT_RUN}), a fast one, to keep the test short.
 */
class LauncherAotCacheTest {
    private static final String FAST_RUN = "cost --model mlp";

    @TempDir
    Path root;

    @BeforeEach
    void copyOfTheLauncher() throws IOException {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/bin/bash")) && Files.isExecutable(Path.of("/usr/bin/stat")),
                "the launcher is a bash script using GNU stat");
        // the launched JVMs take their own flags: once, in the SIMD execution of the suite, is enough
        Assumptions.assumeTrue(ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent(),
                "runs in the SIMD execution only");
        Path repo = Path.of("").toAbsolutePath();
        Files.createDirectories(root.resolve("scripts"));
        Files.createDirectories(root.resolve("target/lib"));
        Files.copy(repo.resolve("inertia"), root.resolve("inertia"));
        Files.setPosixFilePermissions(root.resolve("inertia"), PosixFilePermissions.fromString("rwxr-xr-x"));
        for (String script : List.of("find-jdk.sh", "aot-cache.sh")) {
            Files.copy(repo.resolve("scripts").resolve(script), root.resolve("scripts").resolve(script));
        }
        // the AOT cache archives classes from jars only, so the compiled classes go into one
        jar(repo.resolve("target/classes"), root.resolve("target/inertia.jar"));
        for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            if (entry.contains("HdrHistogram") && entry.endsWith(".jar")) {
                Path p = Path.of(entry);
                Files.copy(p, root.resolve("target/lib").resolve(p.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    @Test
    void recordsOnceUsesSilentlyRerecordsADamagedCacheAndSkipsAFailedRecording() throws Exception {
        Path cache = root.resolve("target/inertia.aot");
        Result first = launch(FAST_RUN);
        assertEquals(0, first.status, first.stderr);
        assertEquals(1, launcherLines(first).size(), first.stderr);
        assertTrue(launcherLines(first).getFirst().contains("recording the AOT cache")
                && launcherLines(first).getFirst().endsWith("... done"), first.stderr);
        assertTrue(Files.size(cache) > 0, "the cache was written");
        assertTrue(first.stdout.startsWith("{"), first.stdout);

        Result second = launch(FAST_RUN);
        assertEquals(0, second.status, second.stderr);
        assertEquals(List.of(), launcherLines(second), second.stderr);
        assertEquals(first.stdout, second.stdout, "the cache changes nothing the command prints");

        // a truncated cache (a full disk, a copy cut short): recorded again, one line
        byte[] bytes = Files.readAllBytes(cache);
        Files.write(cache, java.util.Arrays.copyOf(bytes, bytes.length / 2));
        Result damaged = launch(FAST_RUN);
        assertEquals(0, damaged.status, damaged.stderr);
        assertEquals(1, launcherLines(damaged).size(), damaged.stderr);
        assertTrue(launcherLines(damaged).getFirst().contains("stale or damaged"), damaged.stderr);
        assertEquals(first.stdout, damaged.stdout);
        assertTrue(Files.size(cache) > bytes.length / 2, "recorded again in full");

        // a recording that fails (here: its command does not exist) leaves the run without a cache
        Result failed = launch("no-such-command");
        assertEquals(0, failed.status, failed.stderr);
        assertEquals(1, launcherLines(failed).size(), failed.stderr);
        String line = launcherLines(failed).getFirst();
        assertTrue(line.contains("recording the AOT cache") && line.contains("... failed (see target/inertia.aot.log")
                && line.endsWith("running without it"), failed.stderr);
        assertTrue(Files.notExists(cache), "no cache left behind");
        assertEquals(first.stdout, failed.stdout);
        Result after = launch("no-such-command");
        assertEquals(0, after.status, after.stderr);
        assertEquals(1, launcherLines(after).size(), after.stderr);
        assertTrue(launcherLines(after).getFirst().contains("running without the AOT cache"), after.stderr);
    }

    private record Result(int status, String stdout, String stderr) {}

    /** Runs {@code ./inertia cost --model mlp --json} with {@code aotRun} as the cache's training run. */
    private Result launch(String aotRun) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(root.resolve("inertia").toString(), "cost", "--model", "mlp", "--json");
        Map<String, String> env = pb.environment();
        env.put("JAVA_HOME", System.getProperty("java.home"));
        env.put("INERTIA_AOT_RUN", aotRun);
        env.remove("INERTIA_AOT");
        env.remove("INERTIA_JAVA_OPTS");
        Path out = root.resolve("stdout.txt"), err = root.resolve("stderr.txt");
        Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("the launcher did not finish in 5 minutes");
        }
        return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }

    /** The lines the launcher itself printed (the JVM adds its incubator warning). */
    private static List<String> launcherLines(Result r) {
        return r.stderr.lines().filter(l -> l.startsWith("inertia:")).toList();
    }

    private static void jar(Path classes, Path jar) throws IOException {
        try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file);
                Stream<Path> files = Files.walk(classes)) {
            for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                out.putNextEntry(new JarEntry(classes.relativize(f).toString().replace('\\', '/')));
                Files.copy(f, out);
                out.closeEntry();
            }
        }
    }
}
