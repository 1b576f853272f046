package io.callstitch.common;

import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.function.Function;
import javax.annotation.Nullable;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.streaming.connectors.kafka.KafkaSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Writes records as Avro binary with a record key, so Kafka's own partitioner spreads them by key
 * (Flink's default fixed partitioner would pin each sink subtask to one partition), unless a record names
 * its partition.
 */
public final class AvroKafkaSerializer<T extends SpecificRecord> implements KafkaSerializationSchema<T> {
    private static final long serialVersionUID = 1L;

    /** The Kafka key of a record. */
    @FunctionalInterface
    public interface KeyOf<T> extends Function<T, String>, Serializable {}

    /** The partition of a record, or null to leave it to Kafka's partitioner by key. */
    @FunctionalInterface
    public interface PartitionOf<T> extends Function<T, Integer>, Serializable {}

    private final String topic;
    private final Class<T> type;
    private final KeyOf<T> keyOf;
    private final PartitionOf<T> partitionOf;
    private transient AvroBytes<T> avro;

    public AvroKafkaSerializer(String topic, Class<T> type, KeyOf<T> keyOf) {
        this(topic, type, keyOf, record -> null);
    }

    /** With some records written to a partition of their own (job-match's progress marks, one per partition). */
    public AvroKafkaSerializer(String topic, Class<T> type, KeyOf<T> keyOf, PartitionOf<T> partitionOf) {
        this.topic = topic;
        this.type = type;
        this.keyOf = keyOf;
        this.partitionOf = partitionOf;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(T element, @Nullable Long timestamp) {
        if (avro == null) {
            avro = new AvroBytes<>(type);
        }
        byte[] key = keyOf.apply(element).getBytes(StandardCharsets.UTF_8);
        // no event-time stamp: replayed old traffic must not fall straight out of the topic's time retention
        return new ProducerRecord<>(topic, partitionOf.apply(element), null, key, avro.encode(element));
    }
}
