package dev.inertia.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class BenchGemmCommandTest extends CommandHarness {
    @Test
    void printsOneJsonLineWithGflopsAndMs() {
        assertEquals(0, run("bench", "gemm", "--m", "9", "--n", "17", "--k", "5", "--trans", "TN", "--dtype", "f64",
                "--warmup-ms", "1", "--measure-ms", "1", "--json"), stderr());
        String line = stdout().strip();
        assertEquals(1, line.lines().count(), line);
        assertTrue(line.startsWith("{") && line.endsWith("}"), line);
        for (String field : new String[] {"\"gflops\": ", "\"ms\": ", "\"threads\": ", "\"m\": 9", "\"n\": 17",
            "\"k\": 5", "\"trans\": \"TN\"", "\"dtype\": \"f64\"", "\"gemm_kc_f64\": ", "\"cache_l2\": "}) {
            assertTrue(line.contains(field), field + " missing in " + line);
        }
    }

    @Test
    void plainOutputNamesTheShape() {
        assertEquals(0, run("bench", "gemm", "--m", "3", "--n", "4", "--k", "5", "--warmup-ms", "1", "--measure-ms",
                "1"));
        assertTrue(stdout().contains("3x4x5"), stdout());
        assertTrue(stdout().contains("B block"), stdout());
    }

    @Test
    void badInputIsOneLineAndExitTwo() {
        String[][] bad = {
            {"bench"},
            {"bench", "frobnicate"},
            {"bench", "gemm", "--m", "5", "--k", "3"},
            {"bench", "gemm", "--m", "5", "--n", "5", "--k", "3", "--trans", "XY"},
            {"bench", "gemm", "--m", "0", "--n", "5", "--k", "3"},
            {"bench", "gemm", "--m", "5", "--n", "5", "--k", "3", "--dtype", "f16"},
        };
        for (String[] argv : bad) {
            assertEquals(2, run(argv), String.join(" ", argv));
            String message = stderr().strip();
            assertEquals(1, message.lines().count(), message);
            assertTrue(message.startsWith("inertia: "), message);
        }
    }
}
