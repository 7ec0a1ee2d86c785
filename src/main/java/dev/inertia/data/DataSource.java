package dev.inertia.data;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Where the data lookup found Fashion-MNIST, and a sentence saying so for the user.
 *
 * @param kind        which step of the lookup order matched
 * @param directory   the directory holding the four IDX files; {@code null} for the bundled sample
 * @param description for the user, like {@code "Fashion-MNIST from INERTIA_DATA=/data/fm"}
 */
public record DataSource(Kind kind, Path directory, String description) {
    /** The steps of the lookup order, in order. */
    public enum Kind {
        /** The {@code --data-dir} flag. */
        DATA_DIR,
        /** The {@code INERTIA_DATA} environment variable. */
        ENVIRONMENT,
        /** Debian's {@code dataset-fashion-mnist} package directory. */
        SYSTEM,
        /** The small sample inside the Inertia jar. */
        BUNDLED_SAMPLE
    }

    public DataSource {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(description, "description");
        if ((kind == Kind.BUNDLED_SAMPLE) != (directory == null)) {
            throw new IllegalArgumentException("only the bundled sample has no directory");
        }
    }

    /** Whether this is the bundled sample rather than a full data set on disk. */
    public boolean isSample() {
        return kind == Kind.BUNDLED_SAMPLE;
    }

    @Override
    public String toString() {
        return description;
    }
}
