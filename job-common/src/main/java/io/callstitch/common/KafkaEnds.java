package io.callstitch.common;

import io.callstitch.schema.DeadLetter;
import java.util.Properties;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.api.common.ExecutionConfig;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.CheckpointingMode;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.connectors.kafka.FlinkKafkaConsumer;
import org.apache.flink.streaming.connectors.kafka.FlinkKafkaProducer;
import org.apache.flink.streaming.connectors.kafka.KafkaDeserializationSchema;
import org.apache.flink.streaming.connectors.kafka.KafkaSerializationSchema;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;

/** Builds the Kafka sources and sinks of a job, and the checkpointing they rely on, the same way in every job. */
public final class KafkaEnds {
    /** Flink's key for a RocksDB options factory (RocksDBOptions.OPTIONS_FACTORY), named here so jobs need no RocksDB classes. */
    static final String OPTIONS_FACTORY_KEY = "state.backend.rocksdb.options-factory";

    private KafkaEnds() {}

    /**
     * Checkpointing on (sinks commit on it), generic types off (Kryo breaks on Java 17 and hides slow
     * serialisers), object reuse on, and the job's parallelism bounds and state backend.
     *
     * <p>Object reuse hands a record to the next chained operator without a deep copy (a tenth of each
     * job's time, docs/performance.md). It is safe here because no operator changes a record it has
     * emitted or keeps one it received and changes it later, except its own state records.
     */
    public static void configure(StreamExecutionEnvironment env, KafkaJobOptions options) throws UsageException {
        CheckpointingMode mode = options.delivery == Delivery.EXACTLY_ONCE
                ? CheckpointingMode.EXACTLY_ONCE : CheckpointingMode.AT_LEAST_ONCE;
        env.enableCheckpointing(options.checkpointIntervalMs, mode);
        env.getCheckpointConfig().setMinPauseBetweenCheckpoints(Math.min(options.checkpointIntervalMs / 2, 5_000L));
        env.getConfig().disableGenericTypes();
        env.getConfig().enableObjectReuse();
        env.setMaxParallelism(options.maxParallelism);
        if (options.parallelism > 0) {
            env.setParallelism(options.parallelism);
        }
        configureStateBackend(env, options);
    }

    /**
     * The job's own state backend, when it names one: through Flink's own loader (the keys of
     * flink-conf.yaml), so the job needs no RocksDB classes of its own and the cluster's settings for
     * everything else still apply.
     */
    private static void configureStateBackend(StreamExecutionEnvironment env, KafkaJobOptions options) throws UsageException {
        if (options.stateBackend == StateBackendChoice.CLUSTER) {
            return;
        }
        String directory = options.checkpointDir;
        if (directory == null) {
            // the client reads the cluster's flink-conf.yaml (FLINK_CONF_DIR): the CLI and application mode both set it
            directory = GlobalConfiguration.loadConfiguration().getString(CheckpointingOptions.CHECKPOINTS_DIRECTORY);
        }
        if (directory == null) {
            throw new UsageException("flag --" + KafkaJobOptions.STATE_BACKEND.name() + " " + Flag.cliName(options.stateBackend)
                    + " needs a checkpoint directory: give --" + KafkaJobOptions.CHECKPOINT_DIR.name()
                    + " or set state.checkpoints.dir in the cluster's flink-conf.yaml");
        }
        Configuration config = new Configuration();
        config.set(CheckpointingOptions.STATE_BACKEND, options.stateBackend == StateBackendChoice.ROCKSDB ? "rocksdb" : "filesystem");
        config.set(CheckpointingOptions.INCREMENTAL_CHECKPOINTS, true);
        config.set(CheckpointingOptions.ASYNC_SNAPSHOTS, true);
        config.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, directory);
        // timers on the heap even with RocksDB: a RocksDB timer costs a read and a write where a heap timer
        // costs a hash lookup, and the jobs keep few timers (one per key and bucket, one per id remembered)
        config.setString("state.backend.rocksdb.timer-service.factory", "HEAP");
        if (options.stateBackend == StateBackendChoice.ROCKSDB && options.rocksDbOptions == RocksDbTuning.SHORT_LIVED) {
            // by name: Flink's loader makes it with the job's class loader, and a heap job never loads RocksDB's classes
            config.setString(OPTIONS_FACTORY_KEY, ShortLivedStateOptions.class.getName());
        }
        env.configure(config, Thread.currentThread().getContextClassLoader());
    }

    /**
     * The records another job wrote to {@code topic}, decoded as {@code type}, with event time from
     * {@code watermarks} per partition; the dead letters of bytes that do not decode go to
     * {@code deadLetterTopic}.
     *
     * @param job the reading job, as dead letters name it ({@code job-match})
     * @param uidPrefix the uids are {@code <prefix>-source}, {@code <prefix>-route-undecodable} and {@code <prefix>-dead-letter-sink}
     */
    public static <T extends SpecificRecordBase> DataStream<T> decodedSource(StreamExecutionEnvironment env, KafkaJobOptions options,
            String topic, int readers, Class<T> type, WatermarkStrategy<Decoded<T>> watermarks, String job, String uidPrefix,
            String deadLetterTopic, String name) {
        return decodedSource(env, options, topic, readers, new AvroKafkaDeserializer<>(type, job), new AvroTypeInfo<>(type), watermarks,
                uidPrefix, deadLetterTopic, name);
    }

    /**
     * How many subtasks read a topic of {@code partitions}: {@code --source-parallelism}, or by default the largest divisor
     * of the partition count that is not above the job's parallelism. Each reader then has as many partitions as every
     * other, so on a backlog (a replay, a catch-up after an outage, a job behind its upstream) the readers move through
     * event time at one pace. With 5 partitions over 2 readers, the one with 2 would run ahead of the one with 3, and the
     * job, whose event time follows the slowest, would hold the gap in state, more the longer the backlog
     * (docs/performance.md, "Readers out of step").
     */
    public static int readers(StreamExecutionEnvironment env, KafkaJobOptions options, int partitions) {
        if (options.sourceParallelism > 0) {
            return options.sourceParallelism;
        }
        // no parallelism known here (the cluster's default applies later): the cluster's, balanced or not
        return env.getParallelism() < 1 ? ExecutionConfig.PARALLELISM_DEFAULT : balancedReaders(partitions, env.getParallelism());
    }

    /** The largest divisor of {@code partitions} not above {@code parallelism} (at least 1). */
    static int balancedReaders(int partitions, int parallelism) {
        for (int readers = Math.min(partitions, Math.max(1, parallelism)); readers > 1; readers--) {
            if (partitions % readers == 0) {
                return readers;
            }
        }
        return 1;
    }

    /** As above, for any reader of the topic's bytes that says which records do not decode. */
    public static <T> DataStream<T> decodedSource(StreamExecutionEnvironment env, KafkaJobOptions options, String topic, int readers,
            KafkaDeserializationSchema<Decoded<T>> schema, TypeInformation<T> type, WatermarkStrategy<Decoded<T>> watermarks,
            String uidPrefix, String deadLetterTopic, String name) {
        FlinkKafkaConsumer<Decoded<T>> consumer = source(options, topic, schema);
        if (watermarks != null) {
            consumer.assignTimestampsAndWatermarks(watermarks);
        }
        // the routing and its dead letters chained to the reader, at its parallelism
        SingleOutputStreamOperator<T> decoded = env.addSource(consumer).setParallelism(readers).uid(uidPrefix + "-source").name(name)
                .process(new RouteUndecodable<T>()).setParallelism(readers).returns(type)
                .uid(uidPrefix + "-route-undecodable").name("Route undecodable records");
        decoded.getSideOutput(RouteUndecodable.DEAD_LETTERS)
                .addSink(sink(options, deadLetterTopic, deadLetterSerializer(deadLetterTopic))).setParallelism(readers)
                .uid(uidPrefix + "-dead-letter-sink").name("Write dead letters of " + topic + " to " + deadLetterTopic);
        return decoded;
    }

    /** Dead letters keyed by where their record was: topic/partition/offset. */
    public static KafkaSerializationSchema<DeadLetter> deadLetterSerializer(String topic) {
        return new AvroKafkaSerializer<>(topic, DeadLetter.class,
                letter -> letter.getTopic() + "/" + letter.getPartition() + "/" + letter.getOffset());
    }

    public static <T> FlinkKafkaConsumer<T> source(KafkaJobOptions options, String topic, KafkaDeserializationSchema<T> schema) {
        Properties props = new Properties();
        props.setProperty(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, options.bootstrap);
        props.setProperty(ConsumerConfig.GROUP_ID_CONFIG, options.groupId);
        // only committed transactions of the upstream job: what a restart of it will not take back
        props.setProperty(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.setProperty(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        options.kafkaConfig.applyTo(props, KafkaClientConfig.Client.CONSUMER);
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
        // every batch starts a new compression block, whose set-up costs more than the records of a small
        // batch; with exactly-once the output waits for the checkpoint anyway, so waiting to fill larger
        // batches costs no latency a reader sees (docs/performance.md)
        props.setProperty(ProducerConfig.LINGER_MS_CONFIG, "100");
        props.setProperty(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(256 * 1024));
        // also at-least-once: a retried batch must never land behind a later watermark mark
        props.setProperty(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        options.kafkaConfig.applyTo(props, KafkaClientConfig.Client.PRODUCER);
        FlinkKafkaProducer.Semantic semantic = options.delivery == Delivery.EXACTLY_ONCE
                ? FlinkKafkaProducer.Semantic.EXACTLY_ONCE : FlinkKafkaProducer.Semantic.AT_LEAST_ONCE;
        return new FlinkKafkaProducer<>(topic, schema, props, semantic);
    }
}
