package io.callstitch.chains;

import io.callstitch.common.Decoded;
import io.callstitch.common.StitchedJson;
import io.callstitch.schema.ChainSummary;
import io.callstitch.schema.StitchedCall;
import java.nio.charset.StandardCharsets;
import javax.annotation.Nullable;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.streaming.connectors.kafka.KafkaDeserializationSchema;
import org.apache.flink.streaming.connectors.kafka.KafkaSerializationSchema;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;

/** The JSON ends of job-chains: stitched calls in, chain summaries and Zipkin spans out. */
final class ChainsKafka {
    private ChainsKafka() {}

    /** Reads stitched calls written with {@code --output-format json}; a record that is not one becomes a dead letter. */
    static final class StitchedJsonSource implements KafkaDeserializationSchema<Decoded<StitchedCall>> {
        private static final long serialVersionUID = 1L;

        @Override
        public boolean isEndOfStream(Decoded<StitchedCall> next) {
            return false;
        }

        @Override
        public Decoded<StitchedCall> deserialize(ConsumerRecord<byte[], byte[]> record) {
            if (record.value() == null) {
                return Decoded.undecodable(record, "stitched call in JSON", "a null value (tombstone)", ChainsJob.JOB_NAME);
            }
            try {
                return Decoded.of(StitchedJson.parse(new String(record.value(), StandardCharsets.UTF_8)));
            } catch (RuntimeException e) {
                return Decoded.undecodable(record, "stitched call in JSON", e.toString(), ChainsJob.JOB_NAME);
            }
        }

        @Override
        public TypeInformation<Decoded<StitchedCall>> getProducedType() {
            return Decoded.type(StitchedCall.class);
        }
    }

    /** Chain summaries as {@link ChainSummaryJson}, keyed by root id. */
    static final class SummaryJsonSink implements KafkaSerializationSchema<ChainSummary> {
        private static final long serialVersionUID = 1L;
        private final String topic;

        SummaryJsonSink(String topic) {
            this.topic = topic;
        }

        @Override
        public ProducerRecord<byte[], byte[]> serialize(ChainSummary summary, @Nullable Long timestamp) {
            return new ProducerRecord<>(topic, null, timestamp, summary.getRootId().getBytes(StandardCharsets.UTF_8),
                    ChainSummaryJson.toJson(summary).getBytes(StandardCharsets.UTF_8));
        }
    }

    /**
     * Zipkin spans, each as a JSON list of one span (the message format of Zipkin's Kafka collector),
     * keyed by trace id.
     */
    static final class ZipkinSink implements KafkaSerializationSchema<Tuple2<String, String>> {
        private static final long serialVersionUID = 1L;
        private final String topic;

        ZipkinSink(String topic) {
            this.topic = topic;
        }

        @Override
        public ProducerRecord<byte[], byte[]> serialize(Tuple2<String, String> span, @Nullable Long timestamp) {
            return new ProducerRecord<>(topic, null, timestamp, span.f0.getBytes(StandardCharsets.UTF_8),
                    ("[" + span.f1 + "]").getBytes(StandardCharsets.UTF_8));
        }
    }
}
