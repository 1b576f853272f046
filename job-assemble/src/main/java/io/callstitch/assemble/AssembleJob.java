package io.callstitch.assemble;

import io.callstitch.assemble.operators.AssembleCalls;
import io.callstitch.common.Decoded;
import io.callstitch.common.AvroKafkaSerializer;
import io.callstitch.common.JobMain;
import io.callstitch.common.KafkaEnds;
import io.callstitch.common.KafkaTopics;
import io.callstitch.common.StitchedJsonKafkaSerializer;
import io.callstitch.common.UsageException;
import io.callstitch.schema.EdgePiece;
import io.callstitch.schema.Role;
import io.callstitch.schema.StitchedCall;
import java.time.Duration;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.DataStreamSink;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.SinkFunction;
import org.apache.flink.streaming.connectors.kafka.KafkaSerializationSchema;

/**
 * job-assemble: reads the edge pieces of {@code calls.edges}, gathers them per call id and writes each
 * call once to {@code calls.stitched}.
 *
 * <pre>
 *   calls.edges (EdgePiece, key = call id)
 *     → keyBy call id → {@link AssembleCalls}
 *     → calls.stitched (StitchedCall as Avro or JSON, key = call id)
 * </pre>
 */
public final class AssembleJob {
    public static final String JOB_NAME = "job-assemble";

    private AssembleJob() {}

    public static void main(String[] args) throws Exception {
        JobMain.run(JOB_NAME, AssembleOptions.parseOrExit(args), AssembleJob::pipeline);
    }

    /** Adds the job with its real Kafka ends to {@code env}; fails when a topic is missing. */
    public static void pipeline(StreamExecutionEnvironment env, AssembleOptions options) throws UsageException {
        int inputPartitions = KafkaTopics.partitionCount(options.kafka, options.inputTopic);
        KafkaTopics.partitionCount(options.kafka, options.outputTopic);
        KafkaTopics.partitionCount(options.kafka, options.deadLetterTopic);
        KafkaEnds.configure(env, options.kafka);
        DataStream<EdgePiece> read = KafkaEnds.decodedSource(env, options.kafka, options.inputTopic,
                KafkaEnds.readers(env, options.kafka, inputPartitions), EdgePiece.class,
                progressOfJobMatch(options.timing.timeoutMs), JOB_NAME, "assemble", options.deadLetterTopic, "Read edge pieces");
        // job-match's progress marks have moved the watermark in the reader; they are no call's piece. Chained
        // to the reader (its parallelism), so the pieces go straight into the shuffle by id, not through one more
        DataStream<EdgePiece> pieces = read.filter(piece -> piece.getRole() != Role.MARK).setParallelism(read.getParallelism())
                .uid("assemble-drop-marks").name("Drop progress marks");
        build(pieces, KafkaEnds.sink(options.kafka, options.outputTopic, serializer(options)), options.timing)
                // the Kafka sink's transactional ids derive from its task name: naming the topic keeps two
                // deployments that write to different topics from fencing each other's transactions
                .name("Write stitched calls to " + options.outputTopic);
    }

    /** Event time on {@code calls.edges}: how far job-match has got; see {@link JobMatchProgress}. */
    static WatermarkStrategy<Decoded<EdgePiece>> progressOfJobMatch(long timeoutMs) {
        return new JobMatchProgress(Duration.ofMillis(timeoutMs)).withIdleTimeout();
    }

    /**
     * The whole job between its ends: the Kafka ends in production, a collection source and a
     * collecting sink in tests. The pieces must carry timestamps and watermarks (job-match's progress).
     */
    public static DataStreamSink<StitchedCall> build(DataStream<EdgePiece> pieces, SinkFunction<StitchedCall> sink,
            AssembleOptions.Timing timing) {
        return assemble(pieces, timing).addSink(sink).uid("assemble-sink").name("Write stitched calls");
    }

    /**
     * Gathers the pieces of each call by id and emits each call once; see {@link AssembleCalls}.
     *
     * @param timing in event time (job-match's progress): after a call's first piece, when it is emitted as
     *     {@code INCOMPLETE}, and after it was written, when it is forgotten; the final watermark of a bounded
     *     input emits every call still waiting
     */
    public static DataStream<StitchedCall> assemble(DataStream<EdgePiece> pieces, AssembleOptions.Timing timing) {
        return pieces
                .keyBy(piece -> piece.getCall().getId(), Types.STRING)
                .transform("Assemble calls by id", new AvroTypeInfo<>(StitchedCall.class),
                        new AssembleCalls(timing.timeoutMs, timing.revisionWindowMs))
                .uid("assemble-calls");
    }

    static KafkaSerializationSchema<StitchedCall> serializer(AssembleOptions options) {
        switch (options.outputFormat) {
            case JSON:
                return new StitchedJsonKafkaSerializer(options.outputTopic);
            case AVRO:
            default:
                return new AvroKafkaSerializer<>(options.outputTopic, StitchedCall.class, StitchedCall::getId);
        }
    }
}
