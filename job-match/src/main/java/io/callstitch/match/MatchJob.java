package io.callstitch.match;

import io.callstitch.common.AvroKafkaSerializer;
import io.callstitch.common.EdgeRule.Buckets;
import io.callstitch.common.JobMain;
import io.callstitch.common.KafkaEnds;
import io.callstitch.common.KafkaTopics;
import io.callstitch.common.UsageException;
import io.callstitch.match.caller.ModelSettings;
import io.callstitch.match.operators.AppendProgressMarks;
import io.callstitch.match.operators.DecideCallers;
import io.callstitch.match.operators.FanOutToBuckets;
import io.callstitch.match.operators.MatchEdges;
import io.callstitch.schema.ByIpRecord;
import io.callstitch.schema.ClosedBucket;
import io.callstitch.schema.EdgePiece;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.DataStreamSink;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.SinkFunction;

/**
 * job-match: calls by ip to edge pieces by call id.
 *
 * <pre>
 * calls.by-ip --marks become watermarks per partition--> fan out to (ip, bucket) keys
 *   --keyBy (ip, bucket)--> match edges when the bucket closes
 *   --keyBy ip--> pick best parents with the ip's model, bucket by bucket
  --> progress marks into every partition --> calls.edges (key: call id)
 * </pre>
 */
public final class MatchJob {
    private MatchJob() {}

    public static void main(String[] args) throws Exception {
        JobMain.run("job-match", MatchOptions.parseOrExit(args), MatchJob::pipeline);
    }

    /** Adds the job with its real Kafka ends to {@code env}; fails when a topic is missing. */
    public static void pipeline(StreamExecutionEnvironment env, MatchOptions options) throws UsageException {
        int inputPartitions = KafkaTopics.partitionCount(options.kafka, options.inputTopic);
        int outputPartitions = KafkaTopics.partitionCount(options.kafka, options.outputTopic);
        KafkaTopics.partitionCount(options.kafka, options.deadLetterTopic);
        KafkaEnds.configure(env, options.kafka);

        DataStream<ByIpRecord> byIp = KafkaEnds.decodedSource(env, options.kafka, options.inputTopic,
                KafkaEnds.readers(env, options.kafka, inputPartitions), ByIpRecord.class,
                new UpstreamMarkWatermarks(), "job-match", "match", options.deadLetterTopic, "Read calls by ip");

        build(byIp,
                KafkaEnds.sink(options.kafka, options.outputTopic,
                        new AvroKafkaSerializer<>(options.outputTopic, EdgePiece.class, piece -> piece.getCall().getId(),
                                AppendProgressMarks::partitionOf)),
                options.buckets, options.callers, outputPartitions)
                // the Kafka sink's transactional ids derive from its task name: naming the topic keeps two
                // deployments that write to different topics from fencing each other's transactions
                .name("Write edge pieces to " + options.outputTopic);
    }

    /**
     * The whole job between its ends: calls by ip carrying watermarks in, edge pieces out, with a progress
     * mark per output partition after each bucket's worth of watermark ({@link AppendProgressMarks}).
     */
    public static DataStreamSink<EdgePiece> build(DataStream<ByIpRecord> byIp, SinkFunction<EdgePiece> sink, Buckets buckets,
            ModelSettings callers, int outputPartitions) {
        return match(byIp, buckets, callers)
                .transform("Append progress marks", new AvroTypeInfo<>(EdgePiece.class),
                        new AppendProgressMarks(outputPartitions, buckets.bucketMs()))
                .uid("match-progress-marks")
                .addSink(sink).uid("match-sink").name("Write edge pieces");
    }

    /** The operators of job-match without Kafka, for the file mode and tests. */
    public static DataStream<EdgePiece> match(DataStream<ByIpRecord> byIp, Buckets buckets, ModelSettings callers) {
        return byIp
                .flatMap(new FanOutToBuckets(buckets)).returns(SerializerTypeInfo.BUCKETED_CALL)
                // chained to the reader: the copies go straight into the shuffle by key, not through one more
                .setParallelism(byIp.getParallelism())
                .uid("match-fan-out").name("Fan calls out to (ip, bucket) keys")
                .keyBy(BucketedCall::key, Types.STRING)
                .transform("Match edges per ip and bucket", new AvroTypeInfo<>(ClosedBucket.class), new MatchEdges(buckets))
                .uid("match-edges")
                // one home per host's caller model, whichever subtask closed its buckets
                .keyBy(ClosedBucket::getIp, Types.STRING)
                .process(new DecideCallers(buckets, callers)).returns(new AvroTypeInfo<>(EdgePiece.class))
                .uid("match-callers").name("Pick best parents per ip");
    }
}
