package io.callstitch.common;

import java.io.IOException;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.connectors.kafka.KafkaDeserializationSchema;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Reads Avro binary records of one generated class from a topic written by another callstitch job.
 * Bytes that do not decode as one (a foreign writer, a record written by hand) must neither fail the
 * job over and over on the same offset nor vanish: they become a {@link Decoded#undecodable} dead
 * letter with their position, which the job writes to its dead-letter topic
 * ({@link RouteUndecodable}). A null value (a tombstone) is such a record too.
 */
public final class AvroKafkaDeserializer<T extends SpecificRecordBase> implements KafkaDeserializationSchema<Decoded<T>> {
    private static final long serialVersionUID = 1L;

    private final Class<T> type;
    private final String job;
    private transient AvroBytes<T> avro;

    /** @param job the job that reads, named in the dead letters */
    public AvroKafkaDeserializer(Class<T> type, String job) {
        this.type = type;
        this.job = job;
    }

    @Override
    public boolean isEndOfStream(Decoded<T> nextElement) {
        return false;
    }

    @Override
    public Decoded<T> deserialize(ConsumerRecord<byte[], byte[]> record) {
        if (avro == null) {
            avro = new AvroBytes<>(type);
        }
        byte[] value = record.value();
        String why;
        if (value == null) {
            why = "a null value (tombstone)";
        } else {
            try {
                return Decoded.of(avro.decode(value));
            } catch (IOException | RuntimeException e) {
                why = e.toString();
            }
        }
        return Decoded.undecodable(record, type.getSimpleName(), why, job);
    }

    @Override
    public TypeInformation<Decoded<T>> getProducedType() {
        return Decoded.type(type);
    }
}
