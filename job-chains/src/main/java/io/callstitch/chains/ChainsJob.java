package io.callstitch.chains;

import io.callstitch.chains.operators.RouteToTarget;
import io.callstitch.chains.operators.WalkChains;
import io.callstitch.common.AvroKafkaDeserializer;
import io.callstitch.common.Decoded;
import io.callstitch.common.AvroKafkaSerializer;
import io.callstitch.common.JobMain;
import io.callstitch.common.KafkaEnds;
import io.callstitch.common.KafkaTopics;
import io.callstitch.common.UsageException;
import io.callstitch.schema.ChainMessage;
import io.callstitch.schema.ChainMessageKind;
import io.callstitch.schema.ChainSummary;
import io.callstitch.schema.Status;
import io.callstitch.schema.StitchedCall;
import java.util.List;
import javax.annotation.Nullable;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.DataStreamSink;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.SinkFunction;
import org.apache.flink.streaming.connectors.kafka.KafkaDeserializationSchema;
import org.apache.flink.streaming.connectors.kafka.KafkaSerializationSchema;

/**
 * job-chains: walks every chain of stitched calls down from its root and writes one summary per
 * chain, and optionally one Zipkin span per call. A chain follows best parents (a tree per real
 * request: {@code best_parent} up, {@code best_children} down) or, with {@code --chains-by rule},
 * every pair of the rule.
 *
 * <pre>
 *   calls.stitched (StitchedCall) ──→ CALL ──┐
 *   chains.walk ──→ WALK ────────────────────┴→ keyBy call id → {@link RouteToTarget} ──┐
 *   chains.walk ──→ REPORT ─────────────────────────────────────────────────────────────┴→ keyBy interval → {@link WalkChains}
 *       → chains.walk (WALK to children, REPORT to roots, key = target id)
 *       → chains.stats (ChainSummary, key = root id)
 *       → zipkin (optional; one span per call, key = trace id)
 * </pre>
 *
 * <p>Why a topic that the job reads back: a chain is found by walking from its root down through
 * the children lists, one level per step, and each call lives under its own key. A Kafka topic is
 * the loop Flink can checkpoint exactly once (an iteration inside a Flink 1.12 job loses the records
 * in flight on failure). Each level costs one round trip, about one checkpoint interval, because the
 * job reads only committed transactions.
 */
public final class ChainsJob {
    public static final String JOB_NAME = "job-chains";

    private ChainsJob() {}

    public static void main(String[] args) throws Exception {
        JobMain.run(JOB_NAME, ChainsOptions.parseOrExit(args), ChainsJob::pipeline);
    }

    /** Adds the job with its real Kafka ends to {@code env}; fails when a topic is missing. */
    public static void pipeline(StreamExecutionEnvironment env, ChainsOptions options) throws UsageException {
        List<String> topics = options.zipkinTopic == null
                ? List.of(options.inputTopic, options.walkTopic, options.outputTopic, options.deadLetterTopic)
                : List.of(options.inputTopic, options.walkTopic, options.outputTopic, options.deadLetterTopic, options.zipkinTopic);
        for (String topic : topics) {
            KafkaTopics.partitionCount(options.kafka, topic);
        }
        int inputPartitions = KafkaTopics.partitionCount(options.kafka, options.inputTopic);
        KafkaEnds.configure(env, options.kafka);
        KafkaDeserializationSchema<Decoded<StitchedCall>> stitched = options.inputFormat == ChainsOptions.Format.JSON
                ? new ChainsKafka.StitchedJsonSource() : new AvroKafkaDeserializer<>(StitchedCall.class, JOB_NAME);
        DataStream<StitchedCall> calls = KafkaEnds.decodedSource(env, options.kafka, options.inputTopic,
                KafkaEnds.readers(env, options.kafka, inputPartitions), stitched, new AvroTypeInfo<>(StitchedCall.class), null, "chains",
                options.deadLetterTopic, "Read stitched calls");
        // the walk is the job's own loop: read at its full parallelism
        DataStream<ChainMessage> walk = KafkaEnds.decodedSource(env, options.kafka, options.walkTopic, env.getParallelism(),
                ChainMessage.class, null, JOB_NAME, "chains-walk", options.deadLetterTopic, "Read chain walk");

        KafkaSerializationSchema<ChainSummary> summaries = options.outputFormat == ChainsOptions.Format.JSON
                ? new ChainsKafka.SummaryJsonSink(options.outputTopic)
                : new AvroKafkaSerializer<>(options.outputTopic, ChainSummary.class, ChainSummary::getRootId);

        Sinks sinks = build(calls, walk,
                KafkaEnds.sink(options.kafka, options.walkTopic,
                        new AvroKafkaSerializer<>(options.walkTopic, ChainMessage.class, ChainMessage::getTarget)),
                KafkaEnds.sink(options.kafka, options.outputTopic, summaries),
                options.zipkinTopic == null ? null
                        : KafkaEnds.sink(options.kafka, options.zipkinTopic, new ChainsKafka.ZipkinSink(options.zipkinTopic)),
                options.chainTimeoutMs, options.maxHops, options.chainsBy);
        // each sink a task of its own (see build), named after its topic: a Kafka sink's transactional ids
        // derive from its task's name
        sinks.walk.name("Write chain walk to " + options.walkTopic);
        sinks.summaries.name("Write chain summaries to " + options.outputTopic);
        if (sinks.spans != null) {
            sinks.spans.name("Write Zipkin spans to " + options.zipkinTopic);
        }
    }

    /** The sinks of the job, to name them after their real ends. */
    public static final class Sinks {
        public final DataStreamSink<ChainMessage> walk;
        public final DataStreamSink<ChainSummary> summaries;
        /** Null when the job writes no spans. */
        @Nullable public final DataStreamSink<Tuple2<String, String>> spans;

        Sinks(DataStreamSink<ChainMessage> walk, DataStreamSink<ChainSummary> summaries, @Nullable DataStreamSink<Tuple2<String, String>> spans) {
            this.walk = walk;
            this.summaries = summaries;
            this.spans = spans;
        }
    }

    /**
     * The whole job between its ends: the Kafka ends in production, collection sources and
     * collecting sinks in tests.
     *
     * @param calls the stitched calls
     * @param walk what the job wrote to {@code walkSink}, read back: the walk's loop
     * @param walkSink the walk messages, to read back as {@code walk}
     * @param summarySink one summary per chain
     * @param spanSink one Zipkin span per call as (trace id, JSON of the span); null to write none
     * @param timeoutMs processing time after which a waiting call or chain is ended anyway
     * @param maxHops the most hops a summary lists
     * @param chainsBy which pairs join calls into chains
     */
    public static Sinks build(DataStream<StitchedCall> calls, DataStream<ChainMessage> walk, SinkFunction<ChainMessage> walkSink,
            SinkFunction<ChainSummary> summarySink, @Nullable SinkFunction<Tuple2<String, String>> spanSink, long timeoutMs, int maxHops,
            ChainsOptions.ChainsBy chainsBy) {
        SingleOutputStreamOperator<ChainMessage> walked = walk(calls, walk, timeoutMs, spanSink != null, maxHops, chainsBy);
        // Each sink is a task of its own, which pipeline() names after its topic: a Kafka sink's
        // transactional ids derive from its task's name, and two sinks chained into one task would fence each other
        DataStreamSink<ChainMessage> walkOut = walked.addSink(walkSink)
                .uid("chains-walk-sink").name("Write chain walk").disableChaining();
        DataStreamSink<ChainSummary> summaries = walked.getSideOutput(WalkChains.SUMMARIES).addSink(summarySink)
                .uid("chains-stats-sink").name("Write chain summaries").disableChaining();
        DataStreamSink<Tuple2<String, String>> spans = spanSink == null ? null
                : walked.getSideOutput(WalkChains.SPANS).addSink(spanSink)
                        .uid("chains-zipkin-sink").name("Write Zipkin spans").disableChaining();
        return new Sinks(walkOut, summaries, spans);
    }

    /**
     * The operators of job-chains without their ends. The main output goes back to the walk topic; the
     * summaries are the side output {@link WalkChains#SUMMARIES}, the spans {@link WalkChains#SPANS}.
     *
     * @param walk what the job wrote to the walk topic, read back
     * @param maxHops the most hops a summary lists
     * @param chainsBy which pairs join calls into chains
     */
    static SingleOutputStreamOperator<ChainMessage> walk(DataStream<StitchedCall> calls, DataStream<ChainMessage> walk,
            long timeoutMs, boolean writeSpans, int maxHops, ChainsOptions.ChainsBy chainsBy) {
        AvroTypeInfo<ChainMessage> type = new AvroTypeInfo<>(ChainMessage.class);
        ChainEdges edges = new ChainEdges(chainsBy);
        // a REVISED record supersedes a call's first one with an edge a late call added: the walk takes
        // every call once, as first written (docs/chains.md)
        DataStream<ChainMessage> callMessages = calls.filter(call -> call.getStatus() != Status.REVISED)
                .uid("chains-first-records").name("First record of each call")
                .map(ChainsJob::callMessage).returns(type)
                .uid("chains-calls").name("Stitched calls to messages");
        DataStream<ChainMessage> walks = walk.filter(message -> message.getKind() == ChainMessageKind.WALK)
                .uid("chains-walks").name("Walk messages");
        DataStream<ChainMessage> reports = walk.filter(message -> message.getKind() == ChainMessageKind.REPORT)
                .uid("chains-reports").name("Reports to roots");
        DataStream<ChainMessage> routed = callMessages.union(walks)
                .keyBy(ChainMessage::getTarget, Types.STRING)
                .process(new RouteToTarget(timeoutMs, edges)).returns(type)
                .uid("chains-route").name("Route to the call's interval");
        return routed.union(reports)
                .keyBy(WalkChains::keyOf, Types.STRING)
                .process(new WalkChains(timeoutMs, writeSpans, maxHops, edges)).returns(type)
                .uid("chains-walk").name("Walk chains");
    }

    /**
     * The message that brings a stitched call into the walk: the record as it is. Which of its parents and
     * children the chains follow is read from it on the way ({@link ChainEdges}).
     */
    public static ChainMessage callMessage(StitchedCall call) {
        return ChainMessage.newBuilder()
                .setKind(ChainMessageKind.CALL)
                .setTarget(call.getId())
                .setTargetStartAtMs(call.getStartAtMs())
                .setTargetEndAtMs(call.getEndAtMs())
                .setCall(call)
                .build();
    }
}
