package dev.inertia.io;

import java.io.IOException;

/**
 * A safetensors file that cannot be read: truncated, or with a header that is not what the format
 * requires. The message names the file and says what is wrong, in one line (control characters
 * from the file, in a tensor name say, are escaped).
 */
public class SafeTensorsException extends IOException {
    private static final long serialVersionUID = 1L;

    private final String file;

    public SafeTensorsException(String file, String problem) {
        super(file + ": corrupt or truncated safetensors file: " + Json.oneLine(problem));
        this.file = file;
    }

    public SafeTensorsException(String file, String problem, Throwable cause) {
        super(file + ": corrupt or truncated safetensors file: " + Json.oneLine(problem), cause);
        this.file = file;
    }

    /** The file that was being read. */
    public String file() {
        return file;
    }
}
