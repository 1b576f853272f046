package io.callstitch.infra.kafka;

/**
 * A local broker could not be started, reached or stopped. The message is one line a person can act on,
 * so the CLI prints it as it is instead of a stack trace.
 */
public final class LocalKafkaException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public LocalKafkaException(String message) {
        super(message);
    }

    public LocalKafkaException(String message, Throwable cause) {
        super(message, cause);
    }
}
