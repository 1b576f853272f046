package io.callstitch.tools.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import io.callstitch.common.AvroKafkaSerializer;
import io.callstitch.common.EdgeRule;
import io.callstitch.common.KafkaEnds;
import io.callstitch.common.KafkaJobOptions;
import io.callstitch.common.UsageException;
import io.callstitch.rekey.InputFormat;
import io.callstitch.rekey.QuietPartitionWatermarks;
import io.callstitch.rekey.RawCallDeserializer;
import io.callstitch.rekey.RekeyOptions;
import io.callstitch.schema.Call;
import io.callstitch.schema.ParsedInput;
import io.callstitch.schema.Status;
import io.callstitch.schema.StitchedCall;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.KeyedStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.functions.co.ProcessJoinFunction;
import org.apache.flink.streaming.api.windowing.time.Time;
import org.apache.flink.streaming.connectors.kafka.FlinkKafkaConsumer;
import org.apache.flink.util.Collector;

/**
 * The peer a Flink user writes first: the stitching rule as one job around Flink's own
 * {@link KeyedStream#intervalJoin interval join}, for the benchmark to hold callstitch's three-job pipeline against.
 *
 * <pre>
 * calls --keyBy dst_ip (as parents)--\
 *                                     interval join on end_at_ms, child.end in [parent.end - L, parent.end]
 * calls --keyBy src_ip (as children)--/     --filter start and id--> two pieces per edge --\
 * calls --------------------------------------------------------> one piece --union--keyBy id--> gather --> stitched
 * </pre>
 *
 * <p>p is a parent of c when {@code p.dst_ip == c.src_ip}, {@code p.start <= c.start}, {@code p.end >= c.end} and
 * {@code p.id != c.id}. With event time {@code end_at_ms} and latencies at most L, every parent ends in
 * {@code [c.end, c.start + L]}, so the pair lies within the join's interval; the join only narrows the candidates, the
 * join function tests the rule itself.
 *
 * <p><b>State.</b> The interval join buffers every call of an ip for L of event time on each side (as a parent under
 * its dst_ip until the watermark passes its end, as a child under its src_ip until it passes end + L), keyed by the
 * ip alone: a hot ip lands on one subtask, and every call arriving there is compared with all buffered calls of that
 * ip, so the cost of a key grows with the square of its traffic within L. The gatherer keeps, per call id, the call and
 * the ids found so far, until the watermark passes the time after which they are final, then clears them.
 *
 * <p><b>Late records.</b> The interval join drops a record whose timestamp is below its current watermark silently: no
 * side output, no counter (a property of Flink 1.12's {@code IntervalJoinOperator}). Such a call still reaches the
 * gatherer and is written with status OK and whatever edges the join found. Calls above L are stitched the same way,
 * best-effort and unmarked. This peer also keeps no duplicate filter, no dead letters and reads JSON only: it is the
 * obvious design, not a replacement.
 */
public final class IntervalJoinPeer {
    private static final TypeInformation<Piece> PIECE = Types.POJO(Piece.class);

    private IntervalJoinPeer() {}

    /**
     * What reaches the gatherer of one call: the call itself, or one of its edges. A flat POJO of strings and longs, so
     * that Flink serialises it with its PojoSerializer while generic types are disabled.
     */
    public static final class Piece {
        public static final int CALL = 0;
        /** {@link #otherId} is a parent of {@link #callId}. */
        public static final int PARENT = 1;
        /** {@link #otherId} is a child of {@link #callId}. */
        public static final int CHILD = 2;

        /** The call this piece belongs to: the gatherer's key. */
        public String callId;
        public int kind;
        /** The call at the other end of the edge; null for a CALL piece. */
        public String otherId;
        /** Event time after which every piece of {@link #callId} has reached the gatherer. */
        public long finalAtMs;
        /** The call's own fields, set on a CALL piece only. */
        public String srcIp;
        public String dstIp;
        public long startAtMs;
        public long latencyMsec;
        public long endAtMs;

        public Piece() {}

        static Piece of(Call call, long maxLatencyMs) {
            Piece piece = new Piece();
            piece.callId = call.getId();
            piece.kind = CALL;
            piece.finalAtMs = finalAt(call, maxLatencyMs);
            piece.srcIp = call.getSrcIp();
            piece.dstIp = call.getDstIp();
            piece.startAtMs = call.getStartAtMs();
            piece.latencyMsec = call.getLatencyMsec();
            piece.endAtMs = call.getEndAtMs();
            return piece;
        }

        static Piece edge(Call of, int kind, String otherId, long maxLatencyMs) {
            Piece piece = new Piece();
            piece.callId = of.getId();
            piece.kind = kind;
            piece.otherId = otherId;
            piece.finalAtMs = finalAt(of, maxLatencyMs);
            return piece;
        }

        Call toCall() {
            return new Call(callId, srcIp, dstIp, startAtMs, latencyMsec, endAtMs);
        }
    }

    /** The rule as one interval join: calls with event timestamps (end_at_ms) and watermarks in, stitched calls out. */
    public static DataStream<StitchedCall> stitch(DataStream<Call> calls, long maxLatencyMs) {
        if (maxLatencyMs < 0) {
            throw new IllegalArgumentException("maxLatencyMs must not be negative, got " + maxLatencyMs);
        }
        KeyedStream<Call, String> asParents = calls.keyBy(Call::getDstIp, Types.STRING);
        KeyedStream<Call, String> asChildren = calls.keyBy(Call::getSrcIp, Types.STRING);
        // Flink pairs left and right when leftTs + lower <= rightTs <= leftTs + upper: with the parent on the left,
        // child.end in [parent.end - L, parent.end], both bounds inclusive
        DataStream<Piece> edges = asParents.intervalJoin(asChildren)
                .inEventTime()
                .between(Time.milliseconds(-maxLatencyMs), Time.milliseconds(0))
                .process(new LinkParentToChild(maxLatencyMs), PIECE)
                .uid("peer-join").name("Interval join calls into an ip with calls out of it");
        DataStream<Piece> own = calls
                .map(new CallAsPiece(maxLatencyMs)).returns(PIECE)
                .uid("peer-call-pieces").name("Each call as a piece of itself");
        return own.union(edges)
                .keyBy(piece -> piece.callId, Types.STRING)
                .process(new GatherCall()).returns(new AvroTypeInfo<>(StitchedCall.class))
                .uid("peer-gather").name("Gather each call with its parents and children");
    }

    /**
     * The whole peer job between Kafka ends: raw probe records (JSON lines) from {@code inputTopic}, stitched calls as
     * Avro to {@code outputTopic} keyed by call id.
     *
     * @throws IllegalArgumentException when the Kafka options cannot be applied (a state backend without a checkpoint
     *     directory, say), with the one-line reason of the {@link UsageException} as its message
     */
    public static void pipeline(StreamExecutionEnvironment env, KafkaJobOptions kafka, RekeyOptions.Settings settings,
            String inputTopic, String outputTopic, long maxLatencyMs) {
        try {
            KafkaEnds.configure(env, kafka);
        } catch (UsageException e) {
            // unchecked, so that the benchmark driver calls this like any builder; the reason stays the message
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        FlinkKafkaConsumer<ParsedInput> consumer = KafkaEnds.source(kafka, inputTopic,
                new RawCallDeserializer(InputFormat.JSON, settings));
        // the same per-partition watermarks as job-rekey, so both sides run on the same event time
        consumer.assignTimestampsAndWatermarks(QuietPartitionWatermarks.of(settings));
        DataStream<Call> calls = env.addSource(consumer).uid("peer-source").name("Read raw calls")
                // heartbeats and rejects carry no call; heartbeats have already moved the watermark in the source
                .filter(input -> input.getCall() != null).uid("peer-keep-calls").name("Keep records that carry a call")
                .map(ParsedInput::getCall).returns(new AvroTypeInfo<>(Call.class))
                .uid("peer-calls").name("Take the call out of each record");
        stitch(calls, maxLatencyMs)
                .addSink(KafkaEnds.sink(kafka, outputTopic,
                        new AvroKafkaSerializer<>(outputTopic, StitchedCall.class, StitchedCall::getId)))
                // the Kafka sink's transactional ids derive from its name: the topic keeps deployments apart
                .uid("peer-sink").name("Write stitched calls to " + outputTopic);
    }

    /**
     * The event time after which no piece of {@code call} can still reach the gatherer. Its parents end by
     * start + L and its children by its own end; the join emits a pair when the later of the two arrives, at which
     * point the watermark is at most that one's timestamp (the join keeps a record whose timestamp equals the
     * watermark), so at most the parent's end. One ms above both bounds, the timer fires only after the last edge.
     */
    static long finalAt(Call call, long maxLatencyMs) {
        return saturatedAdd(Math.max(saturatedAdd(call.getStartAtMs(), maxLatencyMs), call.getEndAtMs()), 1);
    }

    private static long saturatedAdd(long a, long b) {
        long sum = a + b;
        return ((a ^ sum) & (b ^ sum)) < 0 ? Long.MAX_VALUE : sum;
    }

    /** Tests the rule on each pair the interval join offers, and tells both calls of an edge about it. */
    static final class LinkParentToChild extends ProcessJoinFunction<Call, Call, Piece> {
        private static final long serialVersionUID = 1L;

        private final long maxLatencyMs;

        LinkParentToChild(long maxLatencyMs) {
            this.maxLatencyMs = maxLatencyMs;
        }

        @Override
        public void processElement(Call parent, Call child, Context ctx, Collector<Piece> out) {
            // the join's interval already holds child.end <= parent.end; the full rule stays here so that the
            // join's bounds can only narrow the candidates, never decide an edge
            if (EdgeRule.contains(parent, child)) {
                out.collect(Piece.edge(child, Piece.PARENT, parent.getId(), maxLatencyMs));
                out.collect(Piece.edge(parent, Piece.CHILD, child.getId(), maxLatencyMs));
            }
        }
    }

    static final class CallAsPiece implements MapFunction<Call, Piece> {
        private static final long serialVersionUID = 1L;

        private final long maxLatencyMs;

        CallAsPiece(long maxLatencyMs) {
            this.maxLatencyMs = maxLatencyMs;
        }

        @Override
        public Piece map(Call call) {
            return Piece.of(call, maxLatencyMs);
        }
    }

    /**
     * Keyed by call id: keeps the call and the ids of its parents and children until the watermark passes the time
     * after which they are final, then writes the call once and forgets it.
     */
    static final class GatherCall extends KeyedProcessFunction<String, Piece, StitchedCall> {
        private static final long serialVersionUID = 1L;

        private transient ValueState<Call> call;
        private transient ListState<String> parents;
        private transient ListState<String> children;

        @Override
        public void open(Configuration parameters) {
            call = getRuntimeContext().getState(new ValueStateDescriptor<>("call", new AvroTypeInfo<>(Call.class)));
            parents = getRuntimeContext().getListState(new ListStateDescriptor<>("parents", Types.STRING));
            children = getRuntimeContext().getListState(new ListStateDescriptor<>("children", Types.STRING));
        }

        @Override
        public void processElement(Piece piece, Context ctx, Collector<StitchedCall> out) throws Exception {
            switch (piece.kind) {
                case Piece.CALL:
                    call.update(piece.toCall());
                    break;
                case Piece.PARENT:
                    parents.add(piece.otherId);
                    break;
                case Piece.CHILD:
                    children.add(piece.otherId);
                    break;
                default:
                    throw new IllegalStateException("unknown piece kind " + piece.kind);
            }
            // every piece sets the timer, not only the call: an edge that comes after it (a late call, or one above
            // L) then sets a timer in the past whose firing clears what it left behind
            ctx.timerService().registerEventTimeTimer(piece.finalAtMs);
        }

        @Override
        public void onTimer(long timestamp, OnTimerContext ctx, Collector<StitchedCall> out) throws Exception {
            Call gathered = call.value();
            if (gathered != null) {
                out.collect(StitchedCall.newBuilder()
                        .setId(gathered.getId())
                        .setSrcIp(gathered.getSrcIp())
                        .setDstIp(gathered.getDstIp())
                        .setStartAtMs(gathered.getStartAtMs())
                        .setLatencyMsec(gathered.getLatencyMsec())
                        .setEndAtMs(gathered.getEndAtMs())
                        .setParents(sortedDistinct(parents))
                        .setChildren(sortedDistinct(children))
                        .setStatus(Status.OK)
                        .build());
            }
            call.clear();
            parents.clear();
            children.clear();
        }

        private static List<String> sortedDistinct(ListState<String> ids) throws Exception {
            TreeSet<String> sorted = new TreeSet<>();
            Iterable<String> all = ids.get();
            if (all != null) {
                for (String id : all) {
                    sorted.add(id);
                }
            }
            return new ArrayList<>(sorted);
        }
    }
}
