package dev.inertia.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The checks on a checkpoint path before anything trains, so that a bad path fails at once
 * (naming the path, not the temporary file the write would use) instead of after the first
 * epoch, and a fresh run cannot replace a good checkpoint by mistake.
 */
final class CheckpointTarget {
    private CheckpointTarget() {}

    /**
     * Checks {@code file} (null: no checkpoint, nothing to check): not a directory, its directory
     * existing and writable, and, unless {@code overwrite} or the run resumes from this very file,
     * no file there yet.
     *
     * @throws IOException one line naming {@code file} and what is wrong with it
     */
    static void check(Path file, Path resume, boolean overwrite) throws IOException {
        if (file == null) {
            return;
        }
        Path dir = file.toAbsolutePath().getParent();
        if (Files.isDirectory(file)) {
            throw new IOException("checkpoint " + file + " is a directory; name a file to write the checkpoint to");
        }
        if (dir == null || !Files.isDirectory(dir)) {
            throw new IOException("checkpoint " + file + ": directory " + dir + " does not exist");
        }
        if (!Files.isWritable(dir)) {
            throw new IOException("checkpoint " + file + ": directory " + dir + " is not writable");
        }
        if (Files.exists(file) && !overwrite && !resumesFrom(file, resume)) {
            throw new IOException("checkpoint " + file + " already exists and this run does not resume from it;"
                    + " resume from it, choose another file, or allow replacing it (--overwrite on the command line,"
                    + " Trainer.Builder.overwriteCheckpoint(true) in code)");
        }
    }

    private static boolean resumesFrom(Path file, Path resume) throws IOException {
        return resume != null && Files.exists(resume) && Files.isSameFile(file, resume);
    }
}
