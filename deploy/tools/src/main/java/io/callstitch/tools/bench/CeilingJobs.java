package io.callstitch.tools.bench;

import io.callstitch.common.AvroKafkaDeserializer;
import io.callstitch.common.Decoded;
import io.callstitch.common.AvroKafkaSerializer;
import io.callstitch.common.KafkaEnds;
import io.callstitch.common.KafkaJobOptions;
import io.callstitch.common.UsageException;
import io.callstitch.common.EdgeRule.Buckets;
import io.callstitch.rekey.ByIpSerializer;
import io.callstitch.rekey.IdShards;
import io.callstitch.rekey.InputFormat;
import io.callstitch.rekey.QuietPartitionWatermarks;
import io.callstitch.rekey.RawCallDeserializer;
import io.callstitch.rekey.RekeyOptions;
import io.callstitch.rekey.operators.FileUnderBothIps;
import io.callstitch.schema.ByIpRecord;
import io.callstitch.schema.Call;
import io.callstitch.schema.EdgePiece;
import io.callstitch.schema.ParsedInput;
import io.callstitch.schema.Role;
import io.callstitch.schema.Status;
import io.callstitch.schema.StitchedCall;
import java.util.List;
import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.connectors.kafka.FlinkKafkaConsumer;
import org.apache.flink.util.Collector;

/**
 * Jobs that move the records callstitch moves and do no work on them: what Kafka and Flink can move on
 * this machine with callstitch's own Kafka ends, parsing, serialisers and delivery settings. The
 * benchmark measures callstitch against them.
 *
 * <ul>
 *   <li>(a) {@link #passThrough}: read raw records, parse them as job-rekey does, write each call once as Avro;</li>
 *   <li>(b) {@link #noOpRekey}, {@link #noOpMatch}, {@link #noOpAssemble}: callstitch's three hops with the
 *       same record counts per call on each topic (2 per call by ip, one piece per call and role and
 *       bucket, 1 per call out, counted per id in keyed state), but no matching.</li>
 * </ul>
 */
public final class CeilingJobs {
    private CeilingJobs() {}

    /** (a): raw records in, each call once out as a {@link ByIpRecord} keyed by its src ip. */
    public static void passThrough(StreamExecutionEnvironment env, KafkaJobOptions kafka, RekeyOptions.Settings settings,
            String rawTopic, String outputTopic) throws UsageException {
        KafkaEnds.configure(env, kafka);
        calls(env, kafka, settings, rawTopic, "ceiling-pass")
                .map(call -> ByIpRecord.newBuilder().setRole(Role.CHILD).setIp(call.getSrcIp()).setCall(call).build())
                .returns(new AvroTypeInfo<>(ByIpRecord.class)).uid("ceiling-pass-wrap").name("Wrap each call")
                .addSink(KafkaEnds.sink(kafka, outputTopic, new ByIpSerializer(outputTopic)))
                .uid("ceiling-pass-sink").name("Write calls to " + outputTopic);
    }

    /**
     * (a) with job-rekey's output, for what job-rekey's shape costs before its work: each call twice out, under
     * its src ip and its dst ip, and with {@code keyedById} after the shuffle job-rekey makes (the parsed
     * record, keyed by the key group of its id), but no duplicate check, no marks and no dead letters.
     */
    public static void passThroughTwice(StreamExecutionEnvironment env, KafkaJobOptions kafka, RekeyOptions.Settings settings,
            String rawTopic, String outputTopic, boolean keyedById) throws UsageException {
        KafkaEnds.configure(env, kafka);
        DataStream<ParsedInput> valid = parsed(env, kafka, settings, rawTopic, "ceiling-twice");
        if (keyedById) {
            valid = valid.keyBy(new IdShards(kafka.maxParallelism), Types.INT);
        }
        valid.map(ParsedInput::getCall).returns(new AvroTypeInfo<>(Call.class)).uid("ceiling-twice-unwrap").name("Unwrap the call")
                .flatMap(new FileUnderBothIps()).returns(new AvroTypeInfo<>(ByIpRecord.class))
                .uid("ceiling-twice-file").name("File each call under two ips")
                .addSink(KafkaEnds.sink(kafka, outputTopic, new ByIpSerializer(outputTopic)))
                .uid("ceiling-twice-sink").name("Write calls by ip to " + outputTopic);
    }

    /** (b), hop 1: raw records in, each call twice out, under its src ip and its dst ip. */
    public static void noOpRekey(StreamExecutionEnvironment env, KafkaJobOptions kafka, RekeyOptions.Settings settings,
            String rawTopic, String byIpTopic) throws UsageException {
        KafkaEnds.configure(env, kafka);
        calls(env, kafka, settings, rawTopic, "ceiling-rekey")
                .flatMap((FlatMapFunction<Call, ByIpRecord>) (call, out) -> {
                    out.collect(ByIpRecord.newBuilder().setRole(Role.CHILD).setIp(call.getSrcIp()).setCall(call).build());
                    out.collect(ByIpRecord.newBuilder().setRole(Role.PARENT).setIp(call.getDstIp()).setCall(call).build());
                })
                .returns(new AvroTypeInfo<>(ByIpRecord.class)).uid("ceiling-rekey-file").name("File each call under two ips")
                .addSink(KafkaEnds.sink(kafka, byIpTopic, new ByIpSerializer(byIpTopic)))
                .uid("ceiling-rekey-sink").name("Write calls by ip to " + byIpTopic);
    }

    /** (b), hop 2: calls by ip in; out, one piece per call as child, one per bucket as parent, with no ids. */
    public static void noOpMatch(StreamExecutionEnvironment env, KafkaJobOptions kafka, Buckets buckets,
            String byIpTopic, String edgesTopic) throws UsageException {
        KafkaEnds.configure(env, kafka);
        FlinkKafkaConsumer<Decoded<ByIpRecord>> consumer = KafkaEnds.source(kafka, byIpTopic,
                new AvroKafkaDeserializer<>(ByIpRecord.class, "ceiling-match"));
        env.addSource(consumer).uid("ceiling-match-source").name("Read calls by ip")
                .flatMap((FlatMapFunction<Decoded<ByIpRecord>, EdgePiece>) (decoded, out) -> {
                    ByIpRecord record = decoded.value;
                    if (record == null || record.getCall() == null) {
                        return;
                    }
                    Call call = record.getCall();
                    long first = record.getRole() == Role.CHILD ? buckets.childBucket(call) : buckets.firstCopyBucket(call);
                    long last = record.getRole() == Role.CHILD ? first : buckets.lastParentBucket(call);
                    for (long bucket = first; bucket <= last; bucket++) {
                        out.collect(EdgePiece.newBuilder().setCall(call).setRole(record.getRole()).setBucket(bucket)
                                .setIds(List.of()).setPieces(buckets.pieces(call)).setLate(false).setOverMaxLatency(false)
                                .build());
                    }
                })
                .returns(new AvroTypeInfo<>(EdgePiece.class)).uid("ceiling-match-pieces").name("One piece per role and bucket")
                .addSink(KafkaEnds.sink(kafka, edgesTopic,
                        new AvroKafkaSerializer<>(edgesTopic, EdgePiece.class, piece -> piece.getCall().getId())))
                .uid("ceiling-match-sink").name("Write edge pieces to " + edgesTopic);
    }

    /** (b), hop 3: pieces in, counted per call id in keyed state; each call once out when its count is reached. */
    public static void noOpAssemble(StreamExecutionEnvironment env, KafkaJobOptions kafka, String edgesTopic,
            String stitchedTopic) throws UsageException {
        KafkaEnds.configure(env, kafka);
        FlinkKafkaConsumer<Decoded<EdgePiece>> consumer = KafkaEnds.source(kafka, edgesTopic,
                new AvroKafkaDeserializer<>(EdgePiece.class, "ceiling-assemble"));
        env.addSource(consumer).uid("ceiling-assemble-source").name("Read edge pieces")
                .flatMap((FlatMapFunction<Decoded<EdgePiece>, EdgePiece>) (decoded, out) -> {
                    if (decoded.value != null) {
                        out.collect(decoded.value);
                    }
                })
                .returns(new AvroTypeInfo<>(EdgePiece.class)).uid("ceiling-assemble-unwrap").name("Unwrap the pieces")
                .keyBy(piece -> piece.getCall().getId(), Types.STRING)
                .process(new CountPieces()).returns(new AvroTypeInfo<>(StitchedCall.class))
                .uid("ceiling-assemble-count").name("Count pieces per call")
                .addSink(KafkaEnds.sink(kafka, stitchedTopic,
                        new AvroKafkaSerializer<>(stitchedTopic, StitchedCall.class, StitchedCall::getId)))
                .uid("ceiling-assemble-sink").name("Write calls to " + stitchedTopic);
    }

    private static DataStream<Call> calls(StreamExecutionEnvironment env, KafkaJobOptions kafka, RekeyOptions.Settings settings,
            String rawTopic, String uidPrefix) {
        return parsed(env, kafka, settings, rawTopic, uidPrefix)
                .map(ParsedInput::getCall).returns(new AvroTypeInfo<>(Call.class)).uid(uidPrefix + "-unwrap").name("Unwrap the call");
    }

    private static DataStream<ParsedInput> parsed(StreamExecutionEnvironment env, KafkaJobOptions kafka, RekeyOptions.Settings settings,
            String rawTopic, String uidPrefix) {
        FlinkKafkaConsumer<ParsedInput> consumer = KafkaEnds.source(kafka, rawTopic, new RawCallDeserializer(InputFormat.JSON, settings));
        consumer.assignTimestampsAndWatermarks(QuietPartitionWatermarks.of(settings));
        return env.addSource(consumer).uid(uidPrefix + "-source").name("Read raw calls")
                .filter(input -> input.getCall() != null).uid(uidPrefix + "-valid").name("Keep the calls");
    }

    /** One counter per call id; the call leaves, with empty lists, when its last piece is counted. */
    static final class CountPieces extends KeyedProcessFunction<String, EdgePiece, StitchedCall> {
        private static final long serialVersionUID = 1L;
        private transient ValueState<Integer> seen;

        @Override
        public void open(Configuration parameters) {
            seen = getRuntimeContext().getState(new ValueStateDescriptor<>("seen", Types.INT));
        }

        @Override
        public void processElement(EdgePiece piece, Context ctx, Collector<StitchedCall> out) throws Exception {
            Integer before = seen.value();
            int now = before == null ? 1 : before + 1;
            if (now < piece.getPieces()) {
                seen.update(now);
                return;
            }
            seen.clear();
            Call call = piece.getCall();
            out.collect(StitchedCall.newBuilder().setId(call.getId()).setSrcIp(call.getSrcIp()).setDstIp(call.getDstIp())
                    .setStartAtMs(call.getStartAtMs()).setLatencyMsec(call.getLatencyMsec()).setEndAtMs(call.getEndAtMs())
                    .setParents(List.of()).setChildren(List.of()).setStatus(Status.OK).build());
        }
    }
}
