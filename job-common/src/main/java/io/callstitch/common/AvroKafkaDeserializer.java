package io.callstitch.common;

import java.io.IOException;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.connectors.kafka.KafkaDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads Avro binary records of one generated class from a topic written by another callstitch job.
 * A record that does not decode (a foreign writer on the topic) is logged with its position and
 * skipped rather than failing the job over and over on the same offset.
 */
public final class AvroKafkaDeserializer<T extends SpecificRecordBase> implements KafkaDeserializationSchema<T> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(AvroKafkaDeserializer.class);

    private final Class<T> type;
    private transient AvroBytes<T> avro;

    public AvroKafkaDeserializer(Class<T> type) {
        this.type = type;
    }

    @Override
    public boolean isEndOfStream(T nextElement) {
        return false;
    }

    @Override
    public T deserialize(ConsumerRecord<byte[], byte[]> record) {
        throw new UnsupportedOperationException("records are read through deserialize(record, collector)");
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<T> out) {
        if (avro == null) {
            avro = new AvroBytes<>(type);
        }
        if (record.value() == null) {
            return;
        }
        try {
            out.collect(avro.decode(record.value()));
        } catch (IOException | RuntimeException e) {
            LOG.warn("Skipping a record of {} partition {} offset {} that is not a {}: {}",
                    record.topic(), record.partition(), record.offset(), type.getSimpleName(), e.toString());
        }
    }

    @Override
    public TypeInformation<T> getProducedType() {
        return new AvroTypeInfo<>(type);
    }
}
