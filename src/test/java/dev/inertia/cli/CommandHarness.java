package dev.inertia.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The shared harness of the command tests: runs {@code inertia} in process through {@link Main#run} and keeps
 * what it printed. Each {@link #run} starts with empty stdout and stderr.
 */
abstract class CommandHarness {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    /** Runs the command line {@code argv} with fresh stdout and stderr; returns its exit code. */
    int run(String... argv) {
        out.reset();
        err.reset();
        return Main.run(argv, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    /** What the last {@link #run} printed on stdout. */
    final String stdout() {
        return out.toString(StandardCharsets.UTF_8);
    }

    /** What the last {@link #run} printed on stderr. */
    final String stderr() {
        return err.toString(StandardCharsets.UTF_8);
    }

    /** The number in the JSON line {@code json} under {@code name}; fails if it is not there. */
    static double field(String json, String name) {
        Matcher m = Pattern.compile("\"" + name + "\": ([0-9.Ee+-]+|NaN)").matcher(json);
        assertTrue(m.find(), name + " in " + json);
        return Double.parseDouble(m.group(1));
    }
}
