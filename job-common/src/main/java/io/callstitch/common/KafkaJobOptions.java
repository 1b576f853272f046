package io.callstitch.common;

import java.io.Serializable;
import java.util.List;

/** The flags every Kafka-to-Kafka job of callstitch shares: where the broker is, and how it delivers. */
public final class KafkaJobOptions implements Serializable {
    private static final long serialVersionUID = 1L;

    /** The port of the local broker every tool starts by default, and so of the jobs' default bootstrap. */
    public static final int LOCAL_BROKER_PORT = 19092;
    public static final Flag<String> BOOTSTRAP =
            Flag.text("bootstrap", "127.0.0.1:" + LOCAL_BROKER_PORT, "Kafka bootstrap servers, host:port[,host:port...]");
    public static final Flag<StartPosition> START_FROM = Flag.of("start-from", "group-offsets",
            "where to read the input when not resuming from a checkpoint: group-offsets, earliest, latest or timestamp:EPOCH_MS",
            StartPosition::parse);
    public static final Flag<Delivery> DELIVERY = Flag.choice("delivery", Delivery.EXACTLY_ONCE,
            "exactly-once (transactional sinks, read_committed readers) or at-least-once", Delivery.class);
    public static final Flag<Long> CHECKPOINT_INTERVAL_MS = Flag.positiveLong("checkpoint-interval-ms", "10000",
            "checkpoint interval; with exactly-once, each hop's output becomes visible on its checkpoints");
    public static final Flag<Long> TRANSACTION_TIMEOUT_MS = Flag.positiveLong("transaction-timeout-ms", "600000",
            "Kafka producer transaction timeout; must be below the broker's transaction.max.timeout.ms");
    public static final Flag<Long> PARALLELISM = Flag.nonNegativeLong("parallelism", "0",
            "parallelism of the job's operators; 0 takes the cluster's default");
    public static final Flag<Long> SOURCE_PARALLELISM = Flag.nonNegativeLong("source-parallelism", "0",
            "subtasks reading the input topic; 0: the largest divisor of its partition count not above the job's parallelism,"
                    + " so that every reader has as many partitions and none runs ahead in event time on a backlog");
    public static final Flag<Integer> MAX_PARALLELISM = Flag.positiveInt("max-parallelism", "128",
            "upper bound for rescaling keyed state later; fixed for the life of a savepoint");
    public static final Flag<String> KAFKA_CONFIG = Flag.optionalText("kafka-config",
            "properties file of Kafka client settings (SASL, TLS, batching); keys prefixed producer., consumer. or admin. apply to one client");
    public static final Flag<StateBackendChoice> STATE_BACKEND = Flag.choice("state-backend", StateBackendChoice.ROCKSDB,
            "where keyed state lives: rocksdb (incremental checkpoints), heap, or cluster (whatever the cluster's state.backend says)",
            StateBackendChoice.class);
    public static final Flag<RocksDbTuning> ROCKSDB_OPTIONS = Flag.choice("rocksdb-options", RocksDbTuning.SHORT_LIVED,
            "with --state-backend rocksdb: short-lived (blocks not compressed, a bloom filter per table: state read back once,"
                    + " seconds after it is written) or cluster (the cluster's state.backend.rocksdb settings)", RocksDbTuning.class);
    public static final Flag<String> CHECKPOINT_DIR = Flag.optionalText("checkpoint-dir",
            "checkpoint directory (URI) with --state-backend rocksdb or heap; none takes the cluster's state.checkpoints.dir");

    /** The shared flags, in the order {@code --help} lists them, after a job's own group id flag. */
    public static final List<Flag<?>> FLAGS = List.of(
            BOOTSTRAP, START_FROM, DELIVERY, CHECKPOINT_INTERVAL_MS, TRANSACTION_TIMEOUT_MS, PARALLELISM, SOURCE_PARALLELISM, MAX_PARALLELISM,
            STATE_BACKEND, ROCKSDB_OPTIONS, CHECKPOINT_DIR, KAFKA_CONFIG);

    public final String bootstrap;
    public final String groupId;
    public final StartPosition startFrom;
    public final Delivery delivery;
    public final long checkpointIntervalMs;
    public final long transactionTimeoutMs;
    public final int parallelism;
    /** Subtasks reading the input topic, or 0 for as many as keep them balanced ({@link KafkaEnds#readers}). */
    public final int sourceParallelism;
    public final int maxParallelism;
    public final StateBackendChoice stateBackend;
    public final RocksDbTuning rocksDbOptions;
    /** Null: the cluster's. */
    public final String checkpointDir;
    public final KafkaClientConfig kafkaConfig;

    public KafkaJobOptions(FlagSet.Values values, Flag<String> groupIdFlag) throws UsageException {
        this.bootstrap = values.get(BOOTSTRAP);
        this.groupId = values.get(groupIdFlag);
        this.startFrom = values.get(START_FROM);
        this.delivery = values.get(DELIVERY);
        this.checkpointIntervalMs = values.get(CHECKPOINT_INTERVAL_MS);
        this.transactionTimeoutMs = values.get(TRANSACTION_TIMEOUT_MS);
        long requested = values.get(PARALLELISM);
        if (requested > Integer.MAX_VALUE) {
            throw new UsageException("flag --" + PARALLELISM.name() + " is too large: " + requested);
        }
        this.parallelism = (int) requested;
        this.maxParallelism = values.get(MAX_PARALLELISM);
        long readers = values.get(SOURCE_PARALLELISM);
        if (readers > maxParallelism) {
            throw new UsageException("flag --" + SOURCE_PARALLELISM.name() + " (" + readers + ") must not exceed --" + MAX_PARALLELISM.name()
                    + " (" + maxParallelism + ")");
        }
        this.sourceParallelism = (int) readers;
        this.stateBackend = values.get(STATE_BACKEND);
        this.rocksDbOptions = values.get(ROCKSDB_OPTIONS);
        this.checkpointDir = values.get(CHECKPOINT_DIR);
        String kafkaConfigFile = values.get(KAFKA_CONFIG);
        this.kafkaConfig = kafkaConfigFile == null ? KafkaClientConfig.none() : KafkaClientConfig.load(kafkaConfigFile);
        if (parallelism > maxParallelism) {
            throw new UsageException("flag --" + PARALLELISM.name() + " (" + parallelism
                    + ") must not exceed --" + MAX_PARALLELISM.name() + " (" + maxParallelism + ")");
        }
    }

    /** Where a job writes the records it cannot take: the same topic for every job by default. */
    public static Flag<String> deadLetterTopicFlag(String what) {
        return Flag.text("dead-letter-topic", "calls.dead-letter", what);
    }

    /** The group id flag of one job, with that job's default. */
    public static Flag<String> groupIdFlag(String defaultGroupId) {
        return Flag.text("group-id", defaultGroupId, "Kafka consumer group of this job (offsets are also kept in checkpoints)");
    }
}
