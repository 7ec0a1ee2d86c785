package dev.inertia.io;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Writes a file atomically: the bytes go to a temporary file {@code .NAME.<pid>.<hex>.tmp} in the
 * target's directory, are forced to disk, and the temporary file is renamed over the target, so a
 * crash or failure leaves either the previous file or the new one, never a mix. Temporary files
 * that earlier writers of the same target left when their process died are removed first
 * ({@link StaleTemps}). A failure (a full disk, a directory one may not write, a target that is a
 * directory) is an {@link IOException} whose one-line message names the target and says what
 * failed; the temporary file is removed and the target left as it was.
 */
public final class AtomicFile {
    private AtomicFile() {}

    /** Writes the content of a file into an open channel. */
    @FunctionalInterface
    public interface Body {
        void write(FileChannel channel) throws IOException;
    }

    /** Writes {@code file} with what {@code body} writes, atomically (see the class comment). */
    public static void write(Path file, Body body) throws IOException {
        Objects.requireNonNull(body, "body");
        Path target = file.toAbsolutePath();
        Path dir = target.getParent();
        if (Files.isDirectory(target)) {
            throw new IOException("cannot write " + target + ": it is a directory");
        }
        if (!Files.isDirectory(dir)) {
            throw new IOException("cannot write " + target + ": " + (Files.exists(dir) ? dir + " is not a directory"
                    : "the directory " + dir + " does not exist"));
        }
        StaleTemps.remove(target); // left by writers of this file that were killed mid-write
        Path temp = dir.resolve("." + target.getFileName() + "." + ProcessHandle.current().pid() + "."
                + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ".tmp");
        boolean moved = false;
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE)) {
                body.write(channel);
                channel.force(true);
            } catch (AccessDeniedException e) {
                throw new IOException("cannot write " + target + ": permission denied to create a file in " + dir, e);
            } catch (NoSuchFileException | NotDirectoryException | FileAlreadyExistsException e) {
                throw new IOException("cannot write " + target + ": cannot create its temporary file " + temp + " ("
                        + e.getClass().getSimpleName() + ")", e);
            } catch (IOException e) {
                throw new IOException("cannot write " + target + ": " + e.getMessage() + " (while writing the"
                        + " temporary file " + temp.getFileName() + "; " + target.getFileName() + " is unchanged)", e);
            }
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException e) {
                throw new IOException("cannot write " + target + ": renaming the complete temporary file over it"
                        + " failed (" + e + "); " + target.getFileName() + " is unchanged", e);
            }
            moved = true;
            syncDirectory(dir);
        } finally {
            if (!moved) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException suppressed) {
                    // the original failure matters more; a stray temp file is only clutter
                }
            }
        }
    }

    /** Makes the rename itself durable; directories cannot be opened for this on some systems (Windows). */
    private static void syncDirectory(Path dir) {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // the file's own data is already forced; only the rename's durability is left to the OS
        }
    }
}
