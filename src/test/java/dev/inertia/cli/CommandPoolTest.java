package dev.inertia.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.inertia.kernels.KernelPool;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** {@code --threads T} gives the command a pool of its own; the process's shared pool is left as it was. */
class CommandPoolTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private String infoJson(String... flags) {
        out.reset();
        String[] argv = new String[flags.length + 2];
        argv[0] = "info";
        argv[1] = "--json";
        System.arraycopy(flags, 0, argv, 2, flags.length);
        assertEquals(0, Main.run(argv, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8)), err.toString(StandardCharsets.UTF_8));
        return out.toString(StandardCharsets.UTF_8).strip();
    }

    @Test
    void threadsFlagSizesTheCommandsPoolOnly() {
        int shared = KernelPool.shared().threads();
        int asked = shared + 3;
        String line = infoJson("--threads", Integer.toString(asked));
        assertTrue(line.contains("\"threads\": " + asked), line);
        assertEquals(shared, KernelPool.shared().threads(), "the shared pool is not resized");
        assertSame(KernelPool.shared(), KernelPool.current(), "the command's pool is unbound after it");
        line = infoJson();
        assertTrue(line.contains("\"threads\": " + shared), "without --threads, the shared pool: " + line);
    }

    @Test
    void aFailingCommandUnbindsItsPool() {
        // the missing checkpoint is found after the pool is bound
        assertEquals(1, Main.run(new String[] {"train", "--threads", "2", "--resume", "no-such-checkpoint.safetensors"},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8)));
        assertSame(KernelPool.shared(), KernelPool.current());
    }
}
