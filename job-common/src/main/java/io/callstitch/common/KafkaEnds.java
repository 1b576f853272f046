package io.callstitch.common;

import java.util.Properties;
import org.apache.flink.streaming.api.CheckpointingMode;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.connectors.kafka.FlinkKafkaConsumer;
import org.apache.flink.streaming.connectors.kafka.FlinkKafkaProducer;
import org.apache.flink.streaming.connectors.kafka.KafkaDeserializationSchema;
import org.apache.flink.streaming.connectors.kafka.KafkaSerializationSchema;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;

/** Builds the Kafka sources and sinks of a job, and the checkpointing they rely on, the same way in every job. */
public final class KafkaEnds {
    private KafkaEnds() {}

    /**
     * Checkpointing on (sinks commit on it), generic types off (Kryo breaks on Java 17 and hides slow
     * serialisers), and the job's parallelism bounds.
     */
    public static void configure(StreamExecutionEnvironment env, KafkaJobOptions options) {
        CheckpointingMode mode = options.delivery == Delivery.EXACTLY_ONCE
                ? CheckpointingMode.EXACTLY_ONCE : CheckpointingMode.AT_LEAST_ONCE;
        env.enableCheckpointing(options.checkpointIntervalMs, mode);
        env.getCheckpointConfig().setMinPauseBetweenCheckpoints(Math.min(options.checkpointIntervalMs / 2, 5_000L));
        env.getConfig().disableGenericTypes();
        env.setMaxParallelism(options.maxParallelism);
        if (options.parallelism > 0) {
            env.setParallelism(options.parallelism);
        }
    }

    public static <T> FlinkKafkaConsumer<T> source(KafkaJobOptions options, String topic, KafkaDeserializationSchema<T> schema) {
        Properties props = new Properties();
        props.setProperty(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, options.bootstrap);
        props.setProperty(ConsumerConfig.GROUP_ID_CONFIG, options.groupId);
        // only committed transactions of the upstream job: what a restart of it will not take back
        props.setProperty(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.setProperty(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        FlinkKafkaConsumer<T> consumer = new FlinkKafkaConsumer<>(topic, schema, props);
        options.startFrom.applyTo(consumer);
        consumer.setCommitOffsetsOnCheckpoints(true);
        return consumer;
    }

    public static <T> FlinkKafkaProducer<T> sink(KafkaJobOptions options, String topic, KafkaSerializationSchema<T> schema) {
        Properties props = new Properties();
        props.setProperty(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, options.bootstrap);
        props.setProperty(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, Long.toString(options.transactionTimeoutMs));
        props.setProperty(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        props.setProperty(ProducerConfig.LINGER_MS_CONFIG, "20");
        // also at-least-once: a retried batch must never land behind a later watermark mark
        props.setProperty(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        FlinkKafkaProducer.Semantic semantic = options.delivery == Delivery.EXACTLY_ONCE
                ? FlinkKafkaProducer.Semantic.EXACTLY_ONCE : FlinkKafkaProducer.Semantic.AT_LEAST_ONCE;
        return new FlinkKafkaProducer<>(topic, schema, props, semantic);
    }
}
