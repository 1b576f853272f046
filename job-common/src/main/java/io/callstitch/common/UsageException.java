package io.callstitch.common;

/** A mistake in how a program was started: its message is the one line the user sees. */
public final class UsageException extends Exception {
    private static final long serialVersionUID = 1L;

    public UsageException(String message) {
        super(message);
    }
}
