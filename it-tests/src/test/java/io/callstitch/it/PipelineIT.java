package io.callstitch.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import io.callstitch.assemble.StitchedJson;
import io.callstitch.deploy.check.BruteForce;
import io.callstitch.deploy.check.ProbeJson;
import io.callstitch.deploy.check.RandomCalls;
import io.callstitch.schema.Call;
import io.callstitch.schema.Status;
import io.callstitch.schema.StitchedCall;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
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

    @BeforeAll
    static void start() throws Exception {
        broker = TestBroker.start();
        Configuration config = new Configuration();
        config.set(TaskManagerOptions.MANAGED_MEMORY_SIZE, org.apache.flink.configuration.MemorySize.parse("64m"));
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

    /** A heartbeat time after which every bucket of calls ending by {@code lastEndMs} has closed. */
    static long flushesEverythingEndingBy(long lastEndMs) {
        return lastEndMs + MAX_OUT_OF_ORDERNESS_MS + MAX_LATENCY_MS + 2000;
    }

    static Path sample(String name) {
        return Paths.get(System.getProperty("callstitch.samples")).resolve(name);
    }

    /** Runs one seed example through its own pipeline and returns the stitched records as JSON lines. */
    private static List<String> stitchThroughKafka(int example) throws Exception {
        Topics topics = new Topics("seed" + example);
        broker.createTopics(topics.all());
        List<byte[]> records = new ArrayList<>();
        for (String line : Files.readAllLines(sample("seed-example-" + example + ".jsonl"))) {
            records.add(line.getBytes(StandardCharsets.UTF_8));
        }
        KafkaIo.produceRoundRobin(broker.bootstrap(), topics.raw, records, flushesEverythingEndingBy(1500));
        try (RunningPipeline pipeline = RunningPipeline.start(flink.getMiniCluster(), broker.bootstrap(), topics, 1,
                "seed" + example, REKEY_TIME, MATCH_TIME)) {
            List<StitchedCall> stitched = KafkaIo.readUntil(broker.bootstrap(), topics.stitched, StitchedCall.class,
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
        Topics topics = new Topics("bulk");
        broker.createTopics(topics.all());
        long origin = System.currentTimeMillis() - 90_000;
        List<Call> calls = RandomCalls.generate(42, 5000, 8, origin, 60_000, 5000, 10);
        List<byte[]> records = new ArrayList<>();
        for (Call call : RandomCalls.deliveryOrder(calls, 2000, 42)) {
            records.add(ProbeJson.write(call).getBytes(StandardCharsets.UTF_8));
        }
        long lastEnd = calls.stream().mapToLong(Call::getEndAtMs).max().getAsLong();
        KafkaIo.produceRoundRobin(broker.bootstrap(), topics.raw, records, flushesEverythingEndingBy(lastEnd));
        try (RunningPipeline pipeline = RunningPipeline.start(flink.getMiniCluster(), broker.bootstrap(), topics, 2,
                "bulk", REKEY_TIME, MATCH_TIME)) {
            List<StitchedCall> stitched = KafkaIo.readUntil(broker.bootstrap(), topics.stitched, StitchedCall.class,
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
}
