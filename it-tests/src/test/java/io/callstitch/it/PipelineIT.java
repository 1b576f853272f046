package io.callstitch.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import java.util.Properties;
import org.apache.flink.api.common.JobStatus;
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
import io.callstitch.reference.BruteForce;
import io.callstitch.tools.check.Evaluation;
import io.callstitch.simulator.KafkaWriter;
import io.callstitch.simulator.ProbeJson;
import io.callstitch.simulator.Simulation;
import io.callstitch.simulator.SimulatorConfig;
import io.callstitch.tools.demo.LocalPipeline;
import io.callstitch.chains.ChainsOptions;
import io.callstitch.chains.ZipkinIds;
import io.callstitch.reference.BruteForceChains;
import io.callstitch.tools.demo.PipelineTopics;
import io.callstitch.tools.kafka.TopicIo;
import io.callstitch.infra.zipkin.LocalZipkin;
import io.callstitch.tools.zipkin.ZipkinTraces;
import io.callstitch.reference.RandomCalls;
import io.callstitch.schema.Call;
import io.callstitch.schema.DeadLetter;
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
 * The three stitching jobs on a real broker: real topics, round-robin raw partitions, exactly-once sinks and
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

    /**
     * A hostile corpus ({@link HostileCorpus}: over 30 kinds of malformed and odd input, a 10 MB record,
     * floods of one id and of one ip) amid ordinary traffic: every bad record reaches the dead-letter topic
     * once with its reason and its position, every valid one is stitched once with its status, the
     * traffic around them exactly as the brute force says, and the jobs keep running.
     */
    @Test
    void aHostileCorpusIsDeadLetteredOrStitchedAndTheTrafficAroundItStaysExact() throws Exception {
        PipelineTopics topics = PipelineTopics.prefixed("hostile");
        List<NewTopic> all = topics.all(4);
        for (NewTopic topic : all) {
            if (topic.name().equals(topics.raw)) {
                topic.configs(Map.of("max.message.bytes", Integer.toString(16 << 20)));
            }
        }
        broker.createTopics(all);
        long origin = System.currentTimeMillis() - 120_000;
        List<Call> background = RandomCalls.generate(7, 1500, 6, origin, 60_000, MAX_LATENCY_MS, 10);
        long t0 = origin + 30_000;
        HostileCorpus corpus = new HostileCorpus(t0, System.currentTimeMillis() + 30L * 365 * 86_400_000L, background.get(0));
        // a flood of one ip pair: hundreds of calls within two seconds, nested in every way
        List<Call> flood = new ArrayList<>();
        for (Call call : RandomCalls.generate(8, 400, 2, t0 - 1000, 2000, 1000, 1)) {
            flood.add(new Call("flood-" + call.getId(), call.getSrcIp().replace("10.0.0.", "10.9.0."), call.getDstIp().replace("10.0.0.", "10.9.0."),
                    call.getStartAtMs(), call.getLatencyMsec(), call.getEndAtMs()));
        }

        // the background in delivery order; the corpus and the flood where the traffic has reached t0
        List<byte[][]> records = new ArrayList<>();
        List<Integer> partitions = new ArrayList<>();
        boolean inserted = false;
        long newestEnd = Long.MIN_VALUE;
        for (Call call : RandomCalls.deliveryOrder(background, MAX_OUT_OF_ORDERNESS_MS, 7)) {
            newestEnd = Math.max(newestEnd, call.getEndAtMs());
            if (!inserted && newestEnd >= t0 - 500) {
                inserted = true;
                for (HostileCorpus.Entry entry : corpus.entries) {
                    records.add(new byte[][] {entry.key, entry.value});
                    partitions.add(entry.partition);
                }
                for (Call call2 : flood) {
                    records.add(new byte[][] {null, ProbeJson.write(call2).getBytes(StandardCharsets.UTF_8)});
                    partitions.add(-1);
                }
            }
            records.add(new byte[][] {null, ProbeJson.write(call).getBytes(StandardCharsets.UTF_8)});
            partitions.add(-1);
        }
        long lastEnd = background.stream().mapToLong(Call::getEndAtMs).max().getAsLong();
        // where each record lands: partition and offset, to find it again in its dead letter
        Map<String, HostileCorpus.Entry> badAt = new HashMap<>();
        Properties props = new Properties();
        props.setProperty("bootstrap.servers", broker.bootstrap());
        props.setProperty("max.request.size", Integer.toString(16 << 20));
        props.setProperty("enable.idempotence", "true");
        props.setProperty("max.in.flight.requests.per.connection", "1");
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(
                props, new ByteArraySerializer(), new ByteArraySerializer())) {
            int rawPartitions = producer.partitionsFor(topics.raw).size();
            long[] offsets = new long[rawPartitions];
            int corpusIndex = -1;
            int firstCorpus = -1;
            for (int i = 0; i < records.size(); i++) {
                int partition = partitions.get(i) >= 0 ? partitions.get(i) : i % rawPartitions;
                producer.send(new ProducerRecord<>(topics.raw, partition, records.get(i)[0], records.get(i)[1]))
                        .get();
                if (firstCorpus < 0 && records.get(i)[1] == corpus.entries.get(0).value) {
                    firstCorpus = i;
                }
                if (firstCorpus >= 0 && i - firstCorpus < corpus.entries.size()) {
                    HostileCorpus.Entry entry = corpus.entries.get(i - firstCorpus);
                    if (entry.reason != null) {
                        badAt.put(partition + "/" + offsets[partition], entry);
                    }
                }
                offsets[partition]++;
            }
            byte[] heartbeat = ProbeJson.heartbeat(flushesEverythingEndingBy(lastEnd)).getBytes(StandardCharsets.UTF_8);
            for (int partition = 0; partition < rawPartitions; partition++) {
                producer.send(new ProducerRecord<>(topics.raw, partition, null, heartbeat)).get();
            }
        }
        assertTrue(corpus.kinds() >= 30, "kinds of hostile input: " + corpus.kinds());
        assertEquals(corpus.badRecords(), badAt.size(), "every bad record was placed");

        List<Call> valid = new ArrayList<>(background);
        valid.addAll(flood);
        valid.addAll(corpus.validCalls());
        try (LocalPipeline pipeline = start(topics, 2, "hostile")) {
            List<DeadLetter> letters = TopicIo.readUntil(broker.bootstrap(), topics.deadLetter, DeadLetter.class,
                    read -> read.size() >= corpus.badRecords(), DEADLINE, SETTLE);
            List<StitchedCall> stitched = TopicIo.readUntil(broker.bootstrap(), topics.stitched, StitchedCall.class,
                    read -> read.size() >= valid.size(), DEADLINE, SETTLE);

            List<String> wrongLetters = new ArrayList<>();
            for (DeadLetter letter : letters) {
                HostileCorpus.Entry entry = badAt.remove(letter.getPartition() + "/" + letter.getOffset());
                byte[] original = new byte[letter.getOriginal().remaining()];
                letter.getOriginal().get(original);
                if (entry == null || entry.reason != letter.getReason() || !topics.raw.equals(letter.getTopic())
                        || !HostileCorpus.sameStart(original, entry.value == null ? new byte[0] : entry.value)) {
                    wrongLetters.add(letter.getReason() + " at " + letter.getPartition() + "/" + letter.getOffset() + " for "
                            + (entry == null ? "no bad record there" : entry.name + " (" + entry.reason + ")") + ": " + letter.getDetail());
                }
            }
            assertEquals(List.of(), wrongLetters, "dead letters that are not the bad record at their position with its reason");
            assertEquals(Map.of(), badAt, "bad records without a dead letter");

            Map<String, StitchedCall> byId = new HashMap<>();
            for (StitchedCall call : stitched) {
                assertEquals(null, byId.put(call.getId(), call), "call " + call.getId() + " written twice");
            }
            Map<String, BruteForce.Expected> expected = BruteForce.stitch(valid);
            assertEquals(expected.keySet(), byId.keySet(), "every valid call is stitched once");
            Map<String, Status> statuses = new HashMap<>();
            for (HostileCorpus.Entry entry : corpus.entries) {
                if (entry.reason == null && entry.call != null) {
                    statuses.put(entry.call.getId(), entry.status);
                }
            }
            List<String> wrong = new ArrayList<>();
            long edges = 0;
            for (Map.Entry<String, BruteForce.Expected> entry : expected.entrySet()) {
                StitchedCall call = byId.get(entry.getKey());
                Status status = statuses.getOrDefault(entry.getKey(), Status.OK);
                if (status == Status.LATE && call.getStatus() == Status.OK) {
                    // read before job-rekey's first watermark, the call of 1970 finds its bucket open: it is exact
                    status = Status.OK;
                }
                if (call.getStatus() != status || (status == Status.OK && (!entry.getValue().parentList().equals(call.getParents())
                        || !entry.getValue().childList().equals(call.getChildren())))) {
                    wrong.add(call + " expected " + status + " parents " + entry.getValue().parentList() + " children "
                            + entry.getValue().childList());
                }
                edges += call.getChildren().size();
            }
            assertEquals(List.of(), wrong.subList(0, Math.min(wrong.size(), 5)), wrong.size() + " calls differ");
            assertEquals(List.of("v6-parent"), byId.get("v6-child").getParents());
            assertTrue(edges > background.size(), "the traffic must be rich in edges to prove anything: " + edges);
            // records written by hand to the intermediate topics: dead letters with their position, never skipped
            long byIpOffset;
            long edgesOffset;
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
                byIpOffset = producer.send(new ProducerRecord<>(topics.byIp, 1, null, "not a call by ip".getBytes(StandardCharsets.UTF_8)))
                        .get().offset();
                edgesOffset = producer.send(new ProducerRecord<>(topics.edges, 2, null, new byte[] {(byte) 0xff, 0x01})).get().offset();
            }
            List<DeadLetter> after = TopicIo.readUntil(broker.bootstrap(), topics.deadLetter, DeadLetter.class,
                    read -> read.size() >= corpus.badRecords() + 2, DEADLINE, SETTLE);
            assertEquals(corpus.badRecords() + 2, after.size());
            List<String> intermediate = new ArrayList<>();
            for (DeadLetter letter : after) {
                if (!letter.getTopic().equals(topics.raw)) {
                    intermediate.add(letter.getJob() + " " + letter.getTopic() + "/" + letter.getPartition() + "/" + letter.getOffset() + " "
                            + letter.getReason());
                }
            }
            Collections.sort(intermediate);
            assertEquals(List.of("job-assemble " + topics.edges + "/2/" + edgesOffset + " UNPARSEABLE",
                    "job-match " + topics.byIp + "/1/" + byIpOffset + " UNPARSEABLE"), intermediate);
            assertEquals(List.of(JobStatus.RUNNING, JobStatus.RUNNING, JobStatus.RUNNING), pipeline.statuses(), "the jobs keep running");
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

            Map<String, BruteForceChains.Expected> expected = BruteForceChains.followingBestParents(stitched)
                    .chains(Integer.parseInt(ChainsOptions.MAX_HOPS.defaultText()));
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
