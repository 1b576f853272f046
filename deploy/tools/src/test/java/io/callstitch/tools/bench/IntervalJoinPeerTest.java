package io.callstitch.tools.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import io.callstitch.reference.BruteForce;
import io.callstitch.reference.RandomCalls;
import io.callstitch.rekey.RekeyOptions;
import io.callstitch.schema.Call;
import io.callstitch.schema.Status;
import io.callstitch.schema.StitchedCall;
import org.apache.flink.api.common.eventtime.BoundedOutOfOrdernessWatermarks;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkGeneratorSupplier;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The interval-join peer gives the rule's output: on random calls over a few ips, delivered out of order up to the
 * bound, every call comes out exactly once at parallelism 2 with the parents and children a brute force finds.
 */
class IntervalJoinPeerTest {
    private static final long ORIGIN_MS = 1_700_000_000_000L;

    @ParameterizedTest(name = "seed {0}: {1} calls, {2} ips, L={3} ms, D={4} ms, watermark after every record: {5}")
    @CsvSource({
        "1, 3000, 5, 5000, 3000, true",
        "2, 2000, 3, 2000, 500, true",
        "3, 2000, 8, 20000, 30000, false",
        "4, 1500, 2, 1000, 1000, true",
    })
    void equalsBruteForceOnRandomCalls(long seed, int count, int ips, long maxLatencyMs, long disorderMs,
            boolean watermarkEveryRecord) throws Exception {
        // a 10 ms clock makes shared starts and ends, equal intervals and back-and-forth pairs common
        List<Call> calls = RandomCalls.generate(seed, count, ips, ORIGIN_MS, 60_000, maxLatencyMs, 10);
        List<Call> delivered = RandomCalls.deliveryOrder(calls, disorderMs, seed);

        Map<String, StitchedCall> actual = run(delivered, maxLatencyMs, disorderMs, watermarkEveryRecord);

        long edges = assertMatchesBruteForce(calls, actual);
        assertTrue(edges > count / 2, "the data must be rich in edges to prove anything: " + edges);
    }

    @Test
    void chainOfThree() throws Exception {
        List<Call> calls = List.of(
                call("id1", "10.0.0.1", "10.0.0.2", 1000, 1500),
                call("id2", "10.0.0.2", "10.0.0.3", 1100, 1300),
                call("id3", "10.0.0.3", "10.0.0.4", 1120, 1220));

        Map<String, StitchedCall> actual = run(RandomCalls.deliveryOrder(calls, 100, 1), 20_000, 100, true);

        assertEquals(List.of("id1", "id2", "id3"), new ArrayList<>(actual.keySet()));
        assertLists(actual.get("id1"), List.of(), List.of("id2"));
        assertLists(actual.get("id2"), List.of("id1"), List.of("id3"));
        assertLists(actual.get("id3"), List.of("id2"), List.of());
    }

    @Test
    void inclusiveBoundsEqualIntervalsAndCallsBackAndForth() throws Exception {
        long maxLatencyMs = 2000;
        List<Call> calls = List.of(
                // latency exactly L: a child ending at its start sits on the join's lower bound
                call("p", "10.0.0.1", "10.0.0.2", 1000, 3000),
                call("at-start", "10.0.0.2", "10.0.0.3", 1000, 1000),
                call("at-end", "10.0.0.2", "10.0.0.3", 3000, 3000),
                call("same", "10.0.0.2", "10.0.0.3", 1000, 3000),
                call("back", "10.0.0.3", "10.0.0.2", 1000, 3000),
                call("self", "10.0.0.2", "10.0.0.2", 1500, 2500),
                call("starts-before", "10.0.0.2", "10.0.0.3", 990, 1500),
                call("ends-after", "10.0.0.2", "10.0.0.3", 2000, 3010));

        Map<String, StitchedCall> actual = run(RandomCalls.deliveryOrder(calls, 50, 3), maxLatencyMs, 50, true);

        assertMatchesBruteForce(calls, actual);
        assertLists(actual.get("p"), List.of(), List.of("at-end", "at-start", "same", "self"));
        assertLists(actual.get("same"), List.of("back", "p"), List.of("back"));
        assertLists(actual.get("back"), List.of("same"), List.of("at-end", "at-start", "same", "self"));
        assertLists(actual.get("self"), List.of("back", "p"), List.of());
        assertLists(actual.get("starts-before"), List.of(), List.of());
    }

    @Test
    void pipelineBetweenKafkaEndsHasAUidOnEveryOperator() throws Exception {
        // building the graph connects to no broker: this checks the types and the uids the benchmark driver gets
        RekeyOptions options = RekeyOptions.parse(new String[] {"--checkpoint-dir", "file:///tmp/callstitch-uids"},
                new PrintStream(OutputStream.nullOutputStream()));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(2);
        IntervalJoinPeer.pipeline(env, options.kafka, options.settings, "calls.raw", "peer.stitched", 20_000);

        Set<String> uids = new TreeSet<>();
        Set<String> names = new TreeSet<>();
        for (StreamNode node : env.getStreamGraph("uids", false).getStreamNodes()) {
            uids.add(String.valueOf(node.getTransformationUID()));
            names.add(node.getOperatorName());
        }
        assertEquals(Set.of("peer-source", "peer-keep-calls", "peer-calls", "peer-join", "peer-call-pieces", "peer-gather",
                "peer-sink"), uids);
        assertTrue(names.contains("Sink: Write stitched calls to peer.stitched"), "the sink is named after its topic: " + names);
    }

    /** Runs the peer on {@code delivered} in that order, at parallelism 2, and collects its output by id. */
    private static Map<String, StitchedCall> run(List<Call> delivered, long maxLatencyMs, long disorderMs,
            boolean watermarkEveryRecord) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(2);
        // as in the real jobs: a type that falls back to Kryo fails here instead of in production
        env.getConfig().disableGenericTypes();
        WatermarkStrategy<Call> watermarks = watermarkEveryRecord
                ? new EveryRecord(disorderMs)
                : WatermarkStrategy.forBoundedOutOfOrderness(Duration.ofMillis(disorderMs));
        DataStream<Call> calls = env.fromCollection(delivered, new AvroTypeInfo<>(Call.class))
                .assignTimestampsAndWatermarks(watermarks.withTimestampAssigner((call, previous) -> call.getEndAtMs()));

        Map<String, StitchedCall> actual = new TreeMap<>();
        CloseableIterator<StitchedCall> out = IntervalJoinPeer.stitch(calls, maxLatencyMs).executeAndCollect();
        // not try-with-resources: its close() may throw InterruptedException, which -Xlint:try flags there
        try {
            while (out.hasNext()) {
                StitchedCall call = out.next();
                assertNull(actual.put(call.getId(), call), "call " + call.getId() + " written twice");
            }
        } finally {
            out.close();
        }
        return actual;
    }

    /** Every call once, with the brute force's lists; returns the number of edges. */
    private static long assertMatchesBruteForce(List<Call> calls, Map<String, StitchedCall> actual) {
        Map<String, BruteForce.Expected> expected = BruteForce.stitch(calls);
        assertEquals(expected.keySet(), actual.keySet(), "every call is written");
        long edges = 0;
        for (Map.Entry<String, BruteForce.Expected> entry : expected.entrySet()) {
            StitchedCall call = actual.get(entry.getKey());
            assertLists(call, entry.getValue().parentList(), entry.getValue().childList());
            edges += call.getChildren().size();
        }
        return edges;
    }

    private static void assertLists(StitchedCall call, List<String> parents, List<String> children) {
        assertEquals(parents, call.getParents(), "parents of " + call.getId());
        assertEquals(children, call.getChildren(), "children of " + call.getId());
        assertEquals(Status.OK, call.getStatus(), "status of " + call.getId());
    }

    private static Call call(String id, String src, String dst, long start, long end) {
        return new Call(id, src, dst, start, end - start, end);
    }

    /**
     * Flink's bounded out-of-orderness watermarks, emitted after every record instead of every 200 ms: a fast
     * collection source would otherwise read everything before the first watermark and only the final one would fire
     * the timers, leaving the boundaries of the join and of the gatherer untested.
     */
    private static final class EveryRecord implements WatermarkStrategy<Call> {
        private static final long serialVersionUID = 1L;

        private final long disorderMs;

        EveryRecord(long disorderMs) {
            this.disorderMs = disorderMs;
        }

        @Override
        public WatermarkGenerator<Call> createWatermarkGenerator(WatermarkGeneratorSupplier.Context context) {
            return new EveryRecordGenerator(new BoundedOutOfOrdernessWatermarks<>(Duration.ofMillis(disorderMs)));
        }
    }

    private static final class EveryRecordGenerator implements WatermarkGenerator<Call> {
        private final BoundedOutOfOrdernessWatermarks<Call> bounded;

        EveryRecordGenerator(BoundedOutOfOrdernessWatermarks<Call> bounded) {
            this.bounded = bounded;
        }

        @Override
        public void onEvent(Call call, long timestamp, WatermarkOutput output) {
            bounded.onEvent(call, timestamp, output);
            bounded.onPeriodicEmit(output);
        }

        @Override
        public void onPeriodicEmit(WatermarkOutput output) {
            bounded.onPeriodicEmit(output);
        }
    }
}
