package dev.inertia.data;

import java.io.IOException;

/**
 * An IDX file that cannot be read as what it should be: bad magic number, unsupported element
 * type, wrong dimensions, truncated or corrupt (gzip) data. The message names the file and says
 * what is wrong.
 */
public class IdxFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    private final String file;

    public IdxFormatException(String file, String problem) {
        super(file + ": " + problem);
        this.file = file;
    }

    public IdxFormatException(String file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
        this.file = file;
    }

    /** The file (or resource) that was being read. */
    public String file() {
        return file;
    }
}
