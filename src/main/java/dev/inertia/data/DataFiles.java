package dev.inertia.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Opens data files so that one that cannot be read says why (missing, a directory, permission
 * denied), not only its path as the JDK's exceptions do.
 */
final class DataFiles {
    private DataFiles() {
    }

    /** Opens {@code file} for reading; the caller closes it. */
    static InputStream open(Path file) throws IOException {
        if (Files.isDirectory(file)) {
            throw new FileSystemException(file.toString(), null, "is a directory, not a data file");
        }
        try {
            return Files.newInputStream(file);
        } catch (FileSystemException e) {
            throw explained(file, e);
        }
    }

    /** The same failure, of the same type, with a reason a user can act on. */
    static FileSystemException explained(Path file, FileSystemException e) {
        String name = file.toString();
        FileSystemException explained;
        if (e instanceof NoSuchFileException) {
            explained = new NoSuchFileException(name, null, "no such file");
        } else if (e instanceof AccessDeniedException) {
            explained = new AccessDeniedException(name, null, "permission denied (this user may not read it)");
        } else {
            explained = new FileSystemException(name, null, e.getReason() != null ? e.getReason()
                    : "cannot be opened (" + e.getClass().getSimpleName() + ")");
        }
        explained.initCause(e);
        return explained;
    }
}
