package io.callstitch.infra.zipkin;

/** The local Zipkin server could not be started; the message says why and what to do. */
public final class LocalZipkinException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public LocalZipkinException(String message) {
        super(message);
    }

    public LocalZipkinException(String message, Throwable cause) {
        super(message, cause);
    }
}
