package io.callstitch.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import io.callstitch.common.StitchedJson;
import io.callstitch.deploy.check.BruteForce;
import io.callstitch.deploy.check.Evaluation;
import io.callstitch.simulator.KafkaWriter;
import io.callstitch.simulator.ProbeJson;
import io.callstitch.simulator.Simulation;
import io.callstitch.simulator.SimulatorConfig;
import io.callstitch.deploy.demo.LocalPipeline;
import io.callstitch.chains.ChainsOptions;
import io.callstitch.chains.ZipkinIds;
import io.callstitch.chains.check.BruteForceChains;
import io.callstitch.deploy.demo.PipelineTopics;
import io.callstitch.deploy.kafka.TopicIo;
import io.callstitch.deploy.zipkin.LocalZipkin;
import io.callstitch.deploy.zipkin.ZipkinTraces;
import io.callstitch.deploy.check.RandomCalls;
import io.callstitch.schema.Call;
import io.callstitch.schema.DeadLetter;
import io.callstitch.schema.Reason;
import io.callstitch.schema.Status;
import io.callstitch.schema.ChainStatus;
import io.callstitch.schema.ChainSummary;
import io.callstitch.schema.StitchedCall;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.util.TestStreamEnvironment;
import org.apache.flink.test.util.MiniClusterWithClientResource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The three jobs on a real broker: real topics, round-robin raw partitions, exactly-once sinks and
 * read_committed readers between the hops, watermarks carried across Kafka by marks.
 */
class PipelineIT {
    /**
     * Small time bounds, and heartbeats after the traffic, so that its tail is flushed at once. The
     * traffic is written before the jobs start and the idle timeout is long: a partition still empty
     * when its reader starts would go idle, and a burst of old traffic arriving on it afterwards would
     * be late, which is idleness working as specified, not what these tests are about.
     */
    static final long MAX_OUT_OF_ORDERNESS_MS = 2000;
    static final long MAX_LATENCY_MS = 5000;
    static final List<String> REKEY_TIME = List.of("--max-out-of-orderness-ms", Long.toString(MAX_OUT_OF_ORDERNESS_MS),
            "--idle-timeout-ms", "60000");
    static final List<String> MATCH_TIME = List.of("--max-latency-ms", Long.toString(MAX_LATENCY_MS), "--bucket-ms", "1000");
    static final Duration DEADLINE = Duration.ofSeconds(120);
    static final Duration SETTLE = Duration.ofSeconds(4);

    static TestBroker broker;
    static MiniClusterWithClientResource flink;
    static String checkpoints;

    @BeforeAll
    static void start() throws Exception {
        broker = TestBroker.start();
        Configuration config = new Configuration();
        config.set(TaskManagerOptions.MANAGED_MEMORY_SIZE, org.apache.flink.configuration.MemorySize.parse("64m"));
        // checkpoints to files, as on a real cluster: job-chains holds more than the 5 MB the default
        // in-memory checkpoints may carry while a backlog of calls waits for its first walk messages
        checkpoints = Files.createTempDirectory("callstitch-it-checkpoints").toUri().toString();
        config.setString("state.backend", "filesystem");
        config.setString("state.checkpoints.dir", checkpoints);
        flink = new MiniClusterWithClientResource(new MiniClusterResourceConfiguration.Builder()
                .setConfiguration(config).setNumberTaskManagers(1).setNumberSlotsPerTaskManager(10).build());
        flink.before();
    }

    @AfterAll
    static void stop() {
        if (flink != null) {
            flink.after();
        }
        if (broker != null) {
            broker.close();
        }
    }

    /** The three jobs on the shared MiniCluster, each a job of its own as if submitted from its jar. */
    static LocalPipeline start(PipelineTopics topics, int parallelism, String name) throws Exception {
        return start(topics, parallelism, name, null);
    }

    /** @param chainsFlags job-chains' own flags, or null to run the three stitching jobs only */
    static LocalPipeline start(PipelineTopics topics, int parallelism, String name, List<String> chainsFlags) throws Exception {
        List<String> common = List.of("--bootstrap", broker.bootstrap(), "--parallelism", Integer.toString(parallelism),
                "--checkpoint-interval-ms", "1000", "--checkpoint-dir", checkpoints);
        return LocalPipeline.start(() -> new TestStreamEnvironment(flink.getMiniCluster(), parallelism), topics, name,
                common, REKEY_TIME, MATCH_TIME, chainsFlags);
    }

    /** A heartbeat time after which every bucket of calls ending by {@code lastEndMs} has closed. */
    static long flushesEverythingEndingBy(long lastEndMs) {
        return lastEndMs + MAX_OUT_OF_ORDERNESS_MS + MAX_LATENCY_MS + 2000;
    }

    static Path sample(String name) {
        return Paths.get(System.getProperty("callstitch.samples")).resolve(name);
    }

    /** Runs one seed example through its own pipeline and returns the stitched records as JSON lines. */
    private static List<String> stitchThroughKafka(int example) throws Exception {
        PipelineTopics topics = PipelineTopics.prefixed("seed" + example);
        broker.createTopics(topics.all(4));
        List<byte[]> records = new ArrayList<>();
        for (String line : Files.readAllLines(sample("seed-example-" + example + ".jsonl"))) {
            records.add(line.getBytes(StandardCharsets.UTF_8));
        }
        TopicIo.produceRoundRobin(broker.bootstrap(), topics.raw, records, flushesEverythingEndingBy(1500));
        try (LocalPipeline pipeline = start(topics, 1, "seed" + example)) {
            List<StitchedCall> stitched = TopicIo.readUntil(broker.bootstrap(), topics.stitched, StitchedCall.class,
                    read -> read.size() >= records.size(), DEADLINE, SETTLE);
            List<String> lines = stitched.stream().map(StitchedJson::toJson).collect(Collectors.toList());
            Collections.sort(lines);
            return lines;
        }
    }

    @Test
    void seedExamplesGiveTheSeedsOutputThroughKafka() throws Exception {
        List<CompletableFuture<List<String>>> runs = new ArrayList<>();
        for (int example = 1; example <= 3; example++) {
            int n = example;
            runs.add(CompletableFuture.supplyAsync(() -> {
                try {
                    return stitchThroughKafka(n);
                } catch (Exception e) {
                    throw new IllegalStateException("seed example " + n, e);
                }
            }));
        }
        for (int example = 1; example <= 3; example++) {
            List<String> expected = new ArrayList<>(Files.readAllLines(sample("seed-example-" + example + ".stitched.jsonl")));
            Collections.sort(expected);
            assertEquals(expected, runs.get(example - 1).get(), "seed example " + example);
        }
    }

    @Test
    void thousandsOfCallsAreEachStitchedOnceAsTheRuleSays() throws Exception {
        PipelineTopics topics = PipelineTopics.prefixed("bulk");
        broker.createTopics(topics.all(4));
        long origin = System.currentTimeMillis() - 90_000;
        List<Call> calls = RandomCalls.generate(42, 5000, 8, origin, 60_000, 5000, 10);
        List<byte[]> records = new ArrayList<>();
        for (Call call : RandomCalls.deliveryOrder(calls, 2000, 42)) {
            records.add(ProbeJson.write(call).getBytes(StandardCharsets.UTF_8));
        }
        long lastEnd = calls.stream().mapToLong(Call::getEndAtMs).max().getAsLong();
        TopicIo.produceRoundRobin(broker.bootstrap(), topics.raw, records, flushesEverythingEndingBy(lastEnd));
        try (LocalPipeline pipeline = start(topics, 2, "bulk")) {
            List<StitchedCall> stitched = TopicIo.readUntil(broker.bootstrap(), topics.stitched, StitchedCall.class,
                    read -> read.size() >= calls.size(), DEADLINE, SETTLE);

            Map<String, StitchedCall> byId = new HashMap<>();
            for (StitchedCall call : stitched) {
                assertEquals(null, byId.put(call.getId(), call), "call " + call.getId() + " written twice");
            }
            Map<String, BruteForce.Expected> expected = BruteForce.stitch(calls);
            assertEquals(expected.keySet(), byId.keySet(), "every call is written once");
            long edges = 0;
            List<String> wrong = new ArrayList<>();
            for (Map.Entry<String, BruteForce.Expected> entry : expected.entrySet()) {
                StitchedCall call = byId.get(entry.getKey());
                if (!entry.getValue().parentList().equals(call.getParents()) || !entry.getValue().childList().equals(call.getChildren())
                        || call.getStatus() != Status.OK) {
                    wrong.add(call + " expected parents " + entry.getValue().parentList() + " children " + entry.getValue().childList());
                }
                edges += call.getChildren().size();
            }
            assertEquals(List.of(), wrong.subList(0, Math.min(wrong.size(), 5)), wrong.size() + " calls differ from the rule");
            assertTrue(edges > calls.size(), "the traffic must be rich in edges to prove anything: " + edges);
        }
    }

    @Test
    void everyKindOfBadRecordReachesTheDeadLetterTopicAndTheJobsKeepStitching() throws Exception {
        PipelineTopics topics = PipelineTopics.prefixed("bad");
        broker.createTopics(topics.all(4));
        String good = "{\"id\":\"%s\",\"src_ip\":\"%s\",\"dst_ip\":\"%s\",\"start_at_ms\":%d,\"latency_msec\":%d,\"end_at_ms\":%d}";
        Map<String, Reason> lines = new java.util.LinkedHashMap<>();
        lines.put(String.format(good, "p", "10.0.0.1", "10.0.0.2", 1000, 500, 1500), null);
        lines.put("not json at all", Reason.UNPARSEABLE);
        lines.put("{\"src_ip\":\"10.0.0.1\",\"dst_ip\":\"10.0.0.2\",\"start_at_ms\":1,\"latency_msec\":1,\"end_at_ms\":2}", Reason.MISSING_FIELD);
        lines.put(String.format(good, "t", "10.0.0.1", "10.0.0.2", 1, 1, 2).replace("\"start_at_ms\":1", "\"start_at_ms\":\"1\""), Reason.WRONG_TYPE);
        lines.put(String.format(good, "n", "10.0.0.1", "10.0.0.2", -5, 1, -4), Reason.NEGATIVE_VALUE);
        lines.put(String.format(good, "l", "10.0.0.1", "10.0.0.2", 5, -1, 4), Reason.NEGATIVE_LATENCY);
        lines.put(String.format(good, "e", "10.0.0.1", "10.0.0.2", 5, 1, 7), Reason.END_MISMATCH);
        lines.put(String.format(good, "i", "10.0.0.1", "db-host", 5, 1, 6), Reason.INVALID_IP);
        lines.put(String.format(good, "x".repeat(300), "10.0.0.1", "10.0.0.2", 5, 1, 6), Reason.OVERSIZE_FIELD);
        lines.put(String.format(good, "c", "10.0.0.2", "10.0.0.3", 1100, 200, 1300), null);
        lines.put(String.format(good, "c", "10.0.0.2", "10.0.0.9", 1100, 200, 1300), Reason.DUPLICATE_ID_CONFLICT);
        List<String> texts = new ArrayList<>(lines.keySet());
        List<byte[]> records = new ArrayList<>();
        texts.forEach(text -> records.add(text.getBytes(StandardCharsets.UTF_8)));
        TopicIo.produceRoundRobin(broker.bootstrap(), topics.raw, records, flushesEverythingEndingBy(1500));
        long expectedLetters = lines.values().stream().filter(reason -> reason != null).count();

        try (LocalPipeline pipeline = start(topics, 2, "bad")) {
            List<DeadLetter> letters = TopicIo.readUntil(broker.bootstrap(), topics.deadLetter, DeadLetter.class,
                    read -> read.size() >= expectedLetters, DEADLINE, SETTLE);
            List<StitchedCall> stitched = TopicIo.readUntil(broker.bootstrap(), topics.stitched, StitchedCall.class,
                    read -> read.size() >= 2, DEADLINE, SETTLE);

            assertEquals(expectedLetters, letters.size(), "one dead letter per bad record");
            assertEquals(Reason.values().length, letters.stream().map(DeadLetter::getReason).distinct().count());
            for (DeadLetter letter : letters) {
                String original = StandardCharsets.UTF_8.decode(letter.getOriginal()).toString();
                int index = texts.indexOf(original);
                // two records with id c meet from different partitions: whichever comes second is the conflict
                Reason expected = original.startsWith("{\"id\":\"c\"") ? Reason.DUPLICATE_ID_CONFLICT : lines.get(original);
                assertEquals(expected, letter.getReason(), "reason of " + original);
                assertEquals(topics.raw, letter.getTopic());
                assertEquals(index % PipelineTopics.RAW_PARTITIONS, letter.getPartition(), "partition of " + original);
                assertEquals(index / PipelineTopics.RAW_PARTITIONS, letter.getOffset(), "offset of " + original);
            }
            Map<String, StitchedCall> byId = new HashMap<>();
            stitched.forEach(call -> byId.put(call.getId(), call));
            assertEquals(2, stitched.size());
            assertEquals(List.of("c"), byId.get("p").getChildren());
            assertEquals(List.of("p"), byId.get("c").getParents());
        }
    }

    /**
     * Also job-chains: the chains it writes are exactly those a brute-force walk finds in the stitched
     * output, each once and complete; and its Zipkin spans, read back through a stock Zipkin server's
     * API, form the traces and parent links the definitions give.
     */
    @Test
    void simulatedTrafficSentByTheSimulatorIsStitchedAsTheRuleSaysWithEveryTrueEdgeAndItsChainsSummedUp() throws Exception {
        PipelineTopics topics = PipelineTopics.prefixed("simulated");
        broker.createTopics(topics.all(4));
        Simulation simulation = Simulation.run(new SimulatorConfig(4000, 200, 3, System.currentTimeMillis() - 120_000,
                MAX_LATENCY_MS, MAX_OUT_OF_ORDERNESS_MS, 0, 0.02, 0.01));
        KafkaWriter.write(broker.bootstrap(), topics.raw, simulation.records(), 0,
                flushesEverythingEndingBy(simulation.lastEndMs()), new PrintStream(OutputStream.nullOutputStream()));
        try (LocalZipkin zipkin = LocalZipkin.start(LocalZipkin.defaultJar(), freePort(), broker.bootstrap(), topics.zipkin,
                Files.createTempDirectory("callstitch-zipkin").resolve("zipkin.log"));
                LocalPipeline pipeline = start(topics, 2, "simulated", List.of("--zipkin-topic", topics.zipkin))) {
            List<StitchedCall> stitched = TopicIo.readUntil(broker.bootstrap(), topics.stitched, StitchedCall.class,
                    read -> read.size() >= simulation.calls().size(), DEADLINE, SETTLE);
            Evaluation evaluation = Evaluation.of(simulation.calls(), stitched, simulation.truthParents());
            assertEquals(0, evaluation.differences, "differences from the rule, e.g. " + evaluation.differenceExamples);
            assertEquals(simulation.calls().size(), evaluation.stitchedRecords, "duplicates dropped, each call once");
            assertEquals(evaluation.trueEdges, evaluation.trueEdgesFound, "with clocks in step every true edge is found");
            assertTrue(evaluation.trueEdges > 3000);

            Map<String, BruteForceChains.Expected> expected = BruteForceChains.followingBestParents(stitched).chains(Integer.parseInt(ChainsOptions.MAX_HOPS.defaultText()));
            assertTrue(expected.size() > 100, "the traffic must make chains to prove anything: " + expected.size());
            List<ChainSummary> summaries = TopicIo.readUntil(broker.bootstrap(), topics.chainsStats, ChainSummary.class,
                    read -> read.size() >= expected.size(), DEADLINE, SETTLE);
            Map<String, BruteForceChains.Expected> written = new TreeMap<>();
            for (ChainSummary summary : summaries) {
                assertEquals(ChainStatus.COMPLETE, summary.getStatus(), summary.getRootId());
                assertEquals(null, written.put(summary.getRootId(), BruteForceChains.of(summary)),
                        "chain " + summary.getRootId() + " written twice");
            }
            assertEquals(expected.keySet(), written.keySet(), "one summary per root with a child");
            List<String> wrong = new ArrayList<>();
            expected.forEach((root, chain) -> {
                if (!chain.equals(written.get(root))) {
                    wrong.add("expected " + chain + " but was " + written.get(root));
                }
            });
            assertEquals(List.of(), wrong.subList(0, Math.min(3, wrong.size())), wrong.size() + " chains differ from a brute-force walk");

            BruteForceChains truth = BruteForceChains.followingBestParents(stitched);
            Map<String, List<String>> callsByTrace = new TreeMap<>();
            for (StitchedCall call : stitched) {
                callsByTrace.computeIfAbsent(truth.traceRoot(call.getId()), root -> new ArrayList<>()).add(call.getId());
            }
            List<String> largest = new ArrayList<>(expected.keySet());
            largest.sort(Comparator.comparingInt((String root) -> -callsByTrace.get(root).size()).thenComparing(root -> root));
            for (String root : largest.subList(0, 10)) {
                List<String> calls = callsByTrace.get(root);
                List<ZipkinTraces.Span> spans = ZipkinTraces.awaitSpans(zipkin.url(), ZipkinIds.traceId(root), calls.size(), DEADLINE);
                Map<String, String> parentBySpan = new TreeMap<>();
                for (ZipkinTraces.Span span : spans) {
                    assertEquals(ZipkinIds.spanId(span.callId), span.id, "span id of call " + span.callId);
                    parentBySpan.put(span.callId, span.parentId);
                }
                Map<String, String> expectedParents = new TreeMap<>();
                for (String call : calls) {
                    String parent = truth.chosenParent(call);
                    expectedParents.put(call, parent == null ? null : ZipkinIds.spanId(parent));
                }
                assertEquals(expectedParents, parentBySpan, "the spans of the trace of root " + root + " and their parents");
            }
        }
    }

    private static int freePort() throws Exception {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
