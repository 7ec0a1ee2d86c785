package dev.inertia.fuzz;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What the fuzz targets share: the file each writes its input to (the readers' public entry
 * points take paths, as the command line's do), and the one rule for a refused input.
 */
final class FuzzFiles {
    private static final Path DIR;

    static {
        try {
            DIR = Files.createTempDirectory("inertia-fuzz");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        DIR.toFile().deleteOnExit();
    }

    private FuzzFiles() {
    }

    /** Writes {@code bytes} to this target's file (one per name, rewritten for every input). */
    static Path write(String name, byte[] bytes) throws IOException {
        Path file = DIR.resolve(name);
        Files.write(file, bytes);
        file.toFile().deleteOnExit();
        return file;
    }

    /**
     * A refused input is an {@link IOException} whose one-line message names the file: anything
     * else (another exception type, no message, a stack of lines) is a finding.
     */
    static void requireDocumented(IOException e, Path file) {
        String message = e.getMessage();
        if (message == null || !message.startsWith(file.toString()) || message.contains("\n")) {
            throw new AssertionError("a refused file must give one line starting with its name, got: " + message, e);
        }
    }
}
