package io.callstitch.common;

import io.callstitch.schema.StitchedCall;
import java.nio.charset.StandardCharsets;
import javax.annotation.Nullable;
import org.apache.flink.streaming.connectors.kafka.KafkaSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Writes stitched calls as {@link StitchedJson} with the call id as record key, so Kafka's own
 * partitioner spreads them by id (Flink's default fixed partitioner would pin each sink subtask to
 * one partition).
 */
public final class StitchedJsonKafkaSerializer implements KafkaSerializationSchema<StitchedCall> {
    private static final long serialVersionUID = 1L;

    private final String topic;

    public StitchedJsonKafkaSerializer(String topic) {
        this.topic = topic;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(StitchedCall call, @Nullable Long timestamp) {
        byte[] key = call.getId().getBytes(StandardCharsets.UTF_8);
        return new ProducerRecord<>(topic, null, timestamp, key, StitchedJson.toBytes(call));
    }
}
