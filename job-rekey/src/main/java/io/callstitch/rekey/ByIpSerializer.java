package io.callstitch.rekey;

import java.nio.charset.StandardCharsets;
import javax.annotation.Nullable;
import io.callstitch.common.AvroBytes;
import io.callstitch.schema.ByIpRecord;
import io.callstitch.schema.Role;
import org.apache.flink.streaming.connectors.kafka.KafkaSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/** Calls go to the partition of their ip (the record key); each mark to the partition it names. */
public final class ByIpSerializer implements KafkaSerializationSchema<ByIpRecord> {
    private static final long serialVersionUID = 1L;

    private final String topic;
    private transient AvroBytes<ByIpRecord> avro;

    public ByIpSerializer(String topic) {
        this.topic = topic;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(ByIpRecord record, @Nullable Long timestamp) {
        if (avro == null) {
            avro = new AvroBytes<>(ByIpRecord.class);
        }
        byte[] value = avro.encode(record);
        if (record.getRole() == Role.MARK) {
            return new ProducerRecord<>(topic, record.getMark().getPartition(), null, null, value);
        }
        // no event-time stamp: replayed old traffic must not fall straight out of the topic's time retention
        return new ProducerRecord<>(topic, null, null, record.getIp().getBytes(StandardCharsets.UTF_8), value);
    }
}
