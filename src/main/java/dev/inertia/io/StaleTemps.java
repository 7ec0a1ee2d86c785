package dev.inertia.io;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Removes the temporary files that atomic writers of a file left behind when their process died
 * mid-write (SIGKILL, a crash, power loss): {@code .NAME.<pid>.<hex>.tmp} beside {@code NAME},
 * the names {@link AtomicFile#write} uses. A temporary file
 * whose process is still alive (a concurrent writer, or this one) is left alone.
 */
final class StaleTemps {
    private StaleTemps() {}

    /** Deletes the stale temporary files of {@code target}; best effort (one that cannot be removed stays). */
    static void remove(Path target) {
        Path dir = target.toAbsolutePath().getParent();
        String prefix = "." + target.getFileName() + ".";
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir,
                p -> p.getFileName().toString().startsWith(prefix) && p.getFileName().toString().endsWith(".tmp"))) {
            for (Path f : files) {
                String middle = f.getFileName().toString();
                middle = middle.substring(prefix.length(), middle.length() - ".tmp".length());
                int dot = middle.indexOf('.');
                long pid;
                try {
                    pid = Long.parseLong(dot < 0 ? middle : middle.substring(0, dot));
                } catch (NumberFormatException notOurs) {
                    continue;
                }
                if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                    continue;
                }
                try {
                    Files.deleteIfExists(f);
                } catch (IOException e) {
                    // clutter, not a failure of the write that found it
                }
            }
        } catch (IOException e) {
            // an unreadable directory fails the write itself, with a better message
        }
    }
}
