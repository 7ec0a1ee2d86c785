package dev.inertia.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class BenchPeakCommandTest extends CommandHarness {
    @Test
    void printsOneJsonLinePerThreadCount() {
        assertEquals(0, run("bench", "peak", "--threads", "2", "--warmup-ms", "1", "--measure-ms", "1", "--json"),
                stderr());
        List<String> lines = stdout().strip().lines().toList();
        assertEquals(2, lines.size(), stdout());
        for (int i = 0; i < 2; i++) {
            String line = lines.get(i);
            assertTrue(line.contains("\"bench\": \"peak\"") && line.contains("\"threads\": " + (i + 1)), line);
            double gflops = Double.parseDouble(line.replaceAll(".*\"gflops\": ([0-9.]+),.*", "$1"));
            assertTrue(gflops > 0, line);
        }
    }

    @Test
    void badInputIsOneLineAndExitTwo() {
        String[][] bad = {
            {"bench", "peak", "--threads", "0"},
            {"bench", "peak", "--measure-ms", "-5"},
            {"bench", "peak", "--threads", "100000"},
        };
        for (String[] argv : bad) {
            assertEquals(2, run(argv), String.join(" ", argv));
            String message = stderr().strip();
            assertEquals(1, message.lines().count(), message);
            assertTrue(message.startsWith("inertia: "), message);
        }
    }
}
