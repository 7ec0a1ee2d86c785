package dev.inertia.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.inertia.kernels.Simd;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class MainTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... argv) {
        return Main.run(argv, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void infoJson() {
        assertEquals(0, run("info", "--json"));
        String line = out.toString(StandardCharsets.UTF_8).strip();
        assertTrue(line.startsWith("{") && line.endsWith("}"), line);
        assertTrue(line.contains("\"java\": \"" + Runtime.version() + "\""), line);
        assertTrue(line.contains("\"simd\": " + Simd.enabled()), line);
        assertTrue(line.contains("\"species\": "), line);
        assertTrue(line.contains("\"threads\": "), line);
    }

    @Test
    void badInputIsOneLineAndNonZero() {
        assertEquals(2, run("info", "--bogus"));
        assertEquals("inertia: unknown flag --bogus for 'info'", err.toString(StandardCharsets.UTF_8).strip());
        err.reset();
        assertEquals(2, run("frobnicate"));
        assertEquals(1, err.toString(StandardCharsets.UTF_8).strip().lines().count());
        err.reset();
        assertEquals(2, run("info", "--threads", "zero"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("--threads expects an integer"));
    }

    /** A JVM started without the incubator module warns once, names the flag, and still works. */
    @Test
    void withoutVectorModuleWarnsOnceAndRunsScalar() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String cp = System.getProperty("java.class.path");
        Process p = new ProcessBuilder(List.of(java, "-cp", cp, Main.class.getName(), "info", "--json"))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .start();
        String stdout = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String stderr = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), stderr);
        assertTrue(stdout.contains("\"simd\": false"), stdout);
        long warnings = stderr.lines().filter(l -> l.contains("--add-modules jdk.incubator.vector")).count();
        assertEquals(1, warnings, stderr);
        assertTrue(stderr.lines().noneMatch(l -> l.contains("Exception")), stderr);
    }
}
