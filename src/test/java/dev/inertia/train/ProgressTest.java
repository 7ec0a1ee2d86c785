package dev.inertia.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ProgressTest {
    private long now;
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    private Progress progress(boolean terminal) {
        return new Progress(new PrintStream(bytes, true, StandardCharsets.UTF_8), terminal, () -> now,
                TimeUnit.SECONDS.toNanos(10));
    }

    private String output() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private static long seconds(double s) {
        return (long) (s * 1e9);
    }

    @Test
    void terminalRedrawsOneLineInPlace() {
        Progress p = progress(true);
        p.begin("epoch 1/3", 60_000);
        now = seconds(1);
        p.update(12_000, 0.91234);
        assertEquals("\repoch 1/3  20.0%  12,000 samples/s  loss 0.9123  ETA 0:04", output());
        now += seconds(0.05);
        p.update(12_500, 0.9);
        assertEquals(1, output().chars().filter(c -> c == '\r').count(), "at most one redraw per 100 ms");
        now = seconds(4.5);
        p.update(54_000, 0.5);
        assertTrue(output().endsWith("\repoch 1/3  90.0%  12,000 samples/s  loss 0.5000  ETA 0:01"), output());
        now = seconds(5);
        p.update(60_000, 0.5);
        p.end();
        assertTrue(output().endsWith("\repoch 1/3  100.0%  12,000 samples/s  loss 0.5000  took 0:05\n"), output());
        assertEquals(1, output().chars().filter(c -> c == '\n').count(), "one newline, at the end");
    }

    @Test
    void shorterLinesWipeLongerOnes() {
        Progress p = progress(true);
        p.begin("e", 100);
        now = seconds(1);
        p.update(10, Double.NaN);
        int first = output().length();
        bytes.reset();
        now = seconds(100);
        p.update(11, 1);
        String second = output();
        assertTrue(second.length() >= first, "padded to cover the previous line: '" + second + "'");
    }

    @Test
    void plainLinesWhenNotATerminal() {
        Progress p = progress(false);
        p.begin("epoch 2/10", 1_000_000);
        for (int s = 1; s <= 35; s++) {
            now = seconds(s);
            p.update(s * 20_000L, 0.25);
        }
        now = seconds(36);
        p.end();
        String out = output();
        assertFalse(out.contains("\r"), out);
        String[] lines = out.split("\n");
        assertEquals(4, lines.length, "every 10 s plus the last line: " + out);
        assertEquals("epoch 2/10  20.0%  20,000 samples/s  loss 0.2500  ETA 0:40", lines[0]);
        assertEquals("epoch 2/10  70.0%  19,444 samples/s  loss 0.2500  took 0:36", lines[3]);
    }

    @Test
    void longDurationsAndEdgeValues() {
        Progress p = progress(false);
        p.begin("x", 10_000_000);
        now = seconds(10);
        p.update(1_000, -0.00004);
        assertEquals("x  0.0%  100 samples/s  loss 0.0000  ETA 27:46:30\n", output(), "no '-0.0000'");
        bytes.reset();
        Progress q = progress(false);
        q.begin("empty", 0);
        q.end();
        assertEquals("empty  100.0%  0 samples/s  loss nan  took 0:00\n", output());
    }

    @Test
    void updatesAllocateNothing() throws Exception {
        Progress p = new Progress(new PrintStream(new ByteArrayOutputStream(1 << 20), false, StandardCharsets.UTF_8),
                true, () -> now, 0);
        p.begin("epoch 1/10", 1_000_000);
        for (int i = 0; i < 200; i++) { // warm up, and grow the buffers
            now += seconds(0.2);
            p.update(i * 100L, 0.5 + i);
        }
        long before = Allocations.currentThread();
        for (int i = 0; i < 50; i++) {
            now += seconds(0.2);
            p.update(20_000 + i * 100L, 1.25 + i);
        }
        long allocated = Allocations.currentThread() - before;
        assertTrue(allocated < 1024, "50 redraws allocated " + allocated + " bytes");
    }
}
