package io.callstitch.rekey;

import io.callstitch.common.JobMain;
import io.callstitch.common.KafkaEnds;
import io.callstitch.common.KafkaTopics;
import io.callstitch.common.UsageException;
import io.callstitch.rekey.operators.AppendWatermarkMarks;
import io.callstitch.rekey.operators.DeadLetters;
import io.callstitch.rekey.operators.DropDuplicates;
import io.callstitch.rekey.operators.FileUnderBothIps;
import io.callstitch.rekey.operators.RouteRejects;
import io.callstitch.schema.ByIpRecord;
import io.callstitch.schema.Call;
import io.callstitch.schema.DeadLetter;
import io.callstitch.schema.ParsedInput;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.DataStreamSink;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.SinkFunction;
import org.apache.flink.streaming.connectors.kafka.FlinkKafkaConsumer;

/**
 * job-rekey: raw probe records (round-robin over the raw topic) to calls filed by ip.
 *
 * <pre>
 * raw topic --parse, per-partition watermarks--> route rejects --keyBy key group of id--> drop duplicates
 *   --> file under both ips --> append watermark marks --> calls.by-ip
 * rejects and conflicting duplicates --> calls.dead-letter
 * </pre>
 */
public final class RekeyJob {
    private RekeyJob() {}

    /** What the operators of job-rekey produce: calls by ip (no marks yet) and rejected records. */
    public static final class Streams {
        public final DataStream<ByIpRecord> byIp;
        public final DataStream<DeadLetter> deadLetters;

        Streams(DataStream<ByIpRecord> byIp, DataStream<DeadLetter> deadLetters) {
            this.byIp = byIp;
            this.deadLetters = deadLetters;
        }
    }

    public static void main(String[] args) throws Exception {
        JobMain.run("job-rekey", RekeyOptions.parseOrExit(args), RekeyJob::pipeline);
    }

    /** Adds the job with its real Kafka ends to {@code env}; fails when a topic is missing. */
    public static void pipeline(StreamExecutionEnvironment env, RekeyOptions options) throws UsageException {
        int rawPartitions = KafkaTopics.partitionCount(options.kafka, options.inputTopic);
        KafkaTopics.partitionCount(options.kafka, options.deadLetterTopic);
        int byIpPartitions = KafkaTopics.partitionCount(options.kafka, options.outputTopic);
        KafkaEnds.configure(env, options.kafka);

        FlinkKafkaConsumer<ParsedInput> consumer = KafkaEnds.source(options.kafka, options.inputTopic,
                new RawCallDeserializer(options.inputFormat, options.settings));
        consumer.assignTimestampsAndWatermarks(QuietPartitionWatermarks.of(options.settings));
        DataStream<ParsedInput> parsed = env.addSource(consumer).uid("rekey-source").name("Read raw calls")
                .setParallelism(KafkaEnds.readers(env, options.kafka, rawPartitions));

        Sinks sinks = build(parsed,
                KafkaEnds.sink(options.kafka, options.outputTopic, new ByIpSerializer(options.outputTopic)),
                KafkaEnds.sink(options.kafka, options.deadLetterTopic, KafkaEnds.deadLetterSerializer(options.deadLetterTopic)),
                options.settings, byIpPartitions);
        // the Kafka sink's transactional ids derive from its task name: naming the topic keeps two
        // deployments that write to different topics from fencing each other's transactions
        sinks.byIp.name("Write calls by ip to " + options.outputTopic);
        sinks.deadLetters.name("Write dead letters to " + options.deadLetterTopic);
    }

    /** The sinks of the job, to name them after their real ends. */
    public static final class Sinks {
        public final DataStreamSink<ByIpRecord> byIp;
        public final DataStreamSink<DeadLetter> deadLetters;

        Sinks(DataStreamSink<ByIpRecord> byIp, DataStreamSink<DeadLetter> deadLetters) {
            this.byIp = byIp;
            this.deadLetters = deadLetters;
        }
    }

    /**
     * The whole job between its ends: parsed records carrying event timestamps and watermarks in, calls
     * by ip followed by watermark marks (one per partition of the by-ip topic) and dead letters out.
     */
    public static Sinks build(DataStream<ParsedInput> parsed, SinkFunction<ByIpRecord> byIpSink,
            SinkFunction<DeadLetter> deadLetterSink, RekeyOptions.Settings settings, int byIpPartitions) {
        Streams streams = rekey(parsed, settings);
        DataStreamSink<ByIpRecord> byIp = streams.byIp
                .transform("Append watermark marks", new AvroTypeInfo<>(ByIpRecord.class), new AppendWatermarkMarks(byIpPartitions))
                .uid("rekey-marks")
                .addSink(byIpSink).uid("rekey-by-ip-sink").name("Write calls by ip");
        DataStreamSink<DeadLetter> deadLetters = streams.deadLetters
                .addSink(deadLetterSink).uid("rekey-dead-letter-sink").name("Write dead letters");
        return new Sinks(byIp, deadLetters);
    }

    /** The operators of job-rekey without Kafka, for the file mode and tests. */
    public static Streams rekey(DataStream<ParsedInput> parsed, RekeyOptions.Settings settings) {
        SingleOutputStreamOperator<ParsedInput> valid = parsed
                .process(new RouteRejects()).returns(new AvroTypeInfo<>(ParsedInput.class))
                // chained to the source, at its parallelism
                .setParallelism(parsed.getParallelism())
                .uid("rekey-route-rejects").name("Route rejected records");
        IdShards shards = new IdShards(keyGroups(parsed.getExecutionEnvironment()));
        SingleOutputStreamOperator<Call> unique = valid
                .keyBy(shards, Types.INT)
                .transform("Drop duplicate ids", new AvroTypeInfo<>(Call.class), new DropDuplicates(settings.duplicateRetentionMs))
                // the keys are the key groups of this count: the operator must have exactly as many
                .setMaxParallelism(shards.keyGroups())
                .uid("rekey-drop-duplicates-by-slice");
        DataStream<ByIpRecord> byIp = unique
                .flatMap(new FileUnderBothIps()).returns(new AvroTypeInfo<>(ByIpRecord.class))
                .uid("rekey-file-under-ips").name("File each call under its two ips");
        DataStream<DeadLetter> deadLetters = valid.getSideOutput(DeadLetters.TAG).union(unique.getSideOutput(DeadLetters.TAG));
        return new Streams(byIp, deadLetters);
    }

    /** The job's max parallelism, or Flink's default where it is not set (the file mode, tests). */
    private static int keyGroups(StreamExecutionEnvironment env) {
        return env.getMaxParallelism() > 0 ? env.getMaxParallelism() : KeyGroupRangeAssignment.DEFAULT_LOWER_BOUND_MAX_PARALLELISM;
    }
}
