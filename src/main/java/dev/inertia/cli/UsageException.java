package dev.inertia.cli;

/** Bad command-line input: printed as one line, exit status 2. */
public final class UsageException extends RuntimeException {
    public UsageException(String message) {
        super(message);
    }
}
