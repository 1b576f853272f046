package io.callstitch.simulator;

import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.RecordMetadata;

/** Keeps the first failed send of a producer, so that writing traffic fails loudly instead of losing records. */
public final class SendFailure implements Callback {
    private volatile Exception first;

    @Override
    public void onCompletion(RecordMetadata metadata, Exception exception) {
        if (exception != null && first == null) {
            first = exception;
        }
    }

    /** Throws if any send failed; call after {@code flush()}. */
    public void rethrow(String topic) {
        if (first != null) {
            throw new IllegalStateException("writing to topic " + topic + " failed: " + first, first);
        }
    }
}
