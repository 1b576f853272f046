package io.callstitch.common;

import java.io.Serializable;
import org.apache.flink.streaming.connectors.kafka.FlinkKafkaConsumerBase;

/**
 * Where a job starts reading its input topic when it does not resume from a checkpoint or savepoint:
 * {@code group-offsets} (the consumer group's committed offsets, else the earliest), {@code earliest},
 * {@code latest}, or {@code timestamp:EPOCH_MS} (replay from a point in time).
 */
public final class StartPosition implements Serializable {
    private static final long serialVersionUID = 1L;

    private enum Kind { GROUP_OFFSETS, EARLIEST, LATEST, TIMESTAMP }

    private final Kind kind;
    private final long timestampMs;

    private StartPosition(Kind kind, long timestampMs) {
        this.kind = kind;
        this.timestampMs = timestampMs;
    }

    /** From the first record each partition still holds; written {@code earliest} on a command line. */
    public static StartPosition earliest() {
        return new StartPosition(Kind.EARLIEST, -1);
    }

    public static StartPosition parse(String text) {
        switch (text) {
            case "group-offsets":
                return new StartPosition(Kind.GROUP_OFFSETS, -1);
            case "earliest":
                return earliest();
            case "latest":
                return new StartPosition(Kind.LATEST, -1);
            default:
                if (text.startsWith("timestamp:")) {
                    try {
                        long ms = Long.parseLong(text.substring("timestamp:".length()));
                        if (ms >= 0) {
                            return new StartPosition(Kind.TIMESTAMP, ms);
                        }
                    } catch (NumberFormatException e) {
                        // falls through to the message below
                    }
                }
                throw new IllegalArgumentException(
                        "must be group-offsets, earliest, latest or timestamp:EPOCH_MS, got '" + text + "'");
        }
    }

    void applyTo(FlinkKafkaConsumerBase<?> consumer) {
        switch (kind) {
            case EARLIEST:
                consumer.setStartFromEarliest();
                break;
            case LATEST:
                consumer.setStartFromLatest();
                break;
            case TIMESTAMP:
                consumer.setStartFromTimestamp(timestampMs);
                break;
            default:
                consumer.setStartFromGroupOffsets();
        }
    }

    @Override
    public String toString() {
        return kind == Kind.TIMESTAMP ? "timestamp:" + timestampMs : Flag.cliName(kind);
    }
}
