package dev.inertia.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.inertia.kernels.Simd;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class MainTest extends CommandHarness {
    @Test
    void infoJson() {
        assertEquals(0, run("info", "--json"));
        String line = stdout().strip();
        assertTrue(line.startsWith("{") && line.endsWith("}"), line);
        assertTrue(line.contains("\"java\": \"" + Runtime.version() + "\""), line);
        assertTrue(line.contains("\"simd\": " + Simd.enabled()), line);
        assertTrue(line.contains("\"species\": "), line);
        assertTrue(line.contains("\"threads\": "), line);
        for (String field : new String[] {"\"cache_l1d\": ", "\"cache_l2\": ", "\"cache_source\": ",
            "\"gemm_kc_f32\": ", "\"gemm_b_block_bytes\": "}) {
            assertTrue(line.contains(field), field + " missing in " + line);
        }
    }

    @Test
    void infoPrintsCachesAndBlocking() {
        assertEquals(0, run("info"));
        assertTrue(stdout().contains("caches: L1d "), stdout());
        assertTrue(stdout().contains("gemm blocking: KC "), stdout());
    }

    @Test
    void badInputIsOneLineAndNonZero() {
        assertEquals(2, run("info", "--bogus"));
        assertEquals("inertia: unknown flag --bogus for 'info'", stderr().strip());
        assertEquals(2, run("frobnicate"));
        assertEquals(1, stderr().strip().lines().count());
        assertEquals(2, run("info", "--threads", "zero"));
        assertTrue(stderr().contains("--threads expects an integer"));
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
