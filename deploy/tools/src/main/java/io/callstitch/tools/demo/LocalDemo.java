package io.callstitch.tools.demo;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import io.callstitch.chains.ChainSummaryJson;
import io.callstitch.chains.ChainsOptions;
import io.callstitch.common.StitchedJson;
import io.callstitch.common.Cli;
import io.callstitch.common.UsageException;
import io.callstitch.tools.check.Evaluation;
import io.callstitch.simulator.ProbeJson;
import io.callstitch.simulator.Simulation;
import io.callstitch.simulator.SimulatorConfig;
import io.callstitch.infra.kafka.LocalKafka;
import io.callstitch.infra.kafka.LocalKafkaException;
import io.callstitch.infra.kafka.TopicAdmin;
import io.callstitch.tools.kafka.TopicIo;
import io.callstitch.match.MatchOptions;
import io.callstitch.rekey.RekeyOptions;
import io.callstitch.infra.zipkin.LocalZipkin;
import io.callstitch.infra.zipkin.LocalZipkinException;
import io.callstitch.tools.zipkin.ZipkinTraces;
import io.callstitch.schema.Call;
import io.callstitch.schema.ChainStatus;
import io.callstitch.schema.ChainSummary;
import io.callstitch.schema.PathHop;
import io.callstitch.schema.DeadLetter;
import io.callstitch.schema.Status;
import io.callstitch.schema.StitchedCall;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * {@code deploy/local/demo}: the whole product on this machine. A real Kafka broker in its own JVM, a
 * local Flink cluster (with its web UI) running the four jobs as four jobs, the seed's first example
 * and sample traffic written round-robin into {@code calls.raw} with a few bad records, and the
 * stitched calls read back from {@code calls.stitched} and checked against the rule.
 */
public final class LocalDemo {
    private static final Duration DEADLINE = Duration.ofMinutes(5);
    private static final long DELIVERY_DISORDER_MS = 5_000;

    private final DemoOptions options;
    private final PrintStream out;

    private LocalDemo(DemoOptions options, PrintStream out) {
        this.options = options;
        this.out = out;
    }

    public static void main(String[] args) throws Exception {
        DemoOptions options = DemoOptions.parseOrExit(args);
        try {
            new LocalDemo(options, System.out).run();
        } catch (UsageException | LocalKafkaException | LocalZipkinException e) {
            Cli.exitWithError("demo", e.getMessage());
        }
    }

    private void run() throws Exception {
        Path kafkaDir = options.dataDir.toAbsolutePath().resolve("kafka");
        wipe(kafkaDir);
        out.println("Starting Kafka (KRaft, its own JVM) on 127.0.0.1:" + options.kafkaPort + " ...");
        try (LocalKafka kafka = LocalKafka.start(LocalKafka.Config.defaults(kafkaDir, options.kafkaPort).withControllerPort(options.kafkaControllerPort))) {
            PipelineTopics topics = PipelineTopics.defaults();
            for (NewTopic topic : topics.all(PipelineTopics.PARTITIONS)) {
                TopicAdmin.ensure(kafka.bootstrap(), topic.name(), topic.numPartitions());
            }
            Traffic traffic = traffic();
            TopicIo.produceRoundRobin(kafka.bootstrap(), topics.raw, traffic.records, traffic.heartbeatAtMs);
            out.println("Wrote " + traffic.calls.size() + " calls and " + traffic.bad + " bad records round-robin to "
                    + topics.raw + " (" + PipelineTopics.RAW_PARTITIONS + " partitions), then a heartbeat into each partition.");

            LocalZipkin zipkin = null;
            if (options.zipkinPort != 0) {
                out.println("Starting Zipkin (the stock server jar, its own JVM) on 127.0.0.1:" + options.zipkinPort
                        + ", collecting topic " + topics.zipkin + " ...");
                zipkin = LocalZipkin.start(LocalZipkin.defaultJar(), options.zipkinPort, kafka.bootstrap(), topics.zipkin,
                        options.dataDir.toAbsolutePath().resolve("zipkin.log"));
            }
            MiniCluster flink = startFlink();
            try {
                URI web = flink.getRestAddress().get();
                out.println("Local Flink web UI: " + web + "  (four jobs: job-rekey, job-match, job-assemble, job-chains)");
                List<String> common = LocalPipeline.commonFlags(kafka.bootstrap(), options.parallelism, options.checkpointIntervalMs,
                        options.dataDir.resolve("checkpoints"));
                List<String> chainsFlags = zipkin == null ? List.of() : ChainsOptions.ZIPKIN_TOPIC.with(topics.zipkin);
                try (LocalPipeline pipeline = LocalPipeline.start(
                        () -> StreamExecutionEnvironment.createRemoteEnvironment(web.getHost(), web.getPort()),
                        topics, "demo", common, List.of(), List.of(), chainsFlags)) {
                    out.println("Waiting for " + traffic.calls.size() + " stitched calls on " + topics.stitched + " ...");
                    List<StitchedCall> stitched = TopicIo.readUntil(kafka.bootstrap(), topics.stitched, StitchedCall.class,
                            read -> read.size() >= traffic.calls.size(), DEADLINE, Duration.ofMillis(options.checkpointIntervalMs));
                    List<DeadLetter> deadLetters = TopicIo.readUntil(kafka.bootstrap(), topics.deadLetter, DeadLetter.class,
                            read -> read.size() >= traffic.bad, Duration.ofSeconds(30), Duration.ZERO);
                    report(traffic, stitched, deadLetters);
                    // job-chains follows best parents: a chain per call without one that some call chose
                    long chains = stitched.stream().filter(call -> call.getBestParent() == null && !call.getBestChildren().isEmpty()).count();
                    out.println();
                    out.println("Waiting for " + chains + " chain summaries (one per root call that some call chose as its best parent) on "
                            + topics.chainsStats + " ...");
                    List<ChainSummary> summaries = TopicIo.readUntil(kafka.bootstrap(), topics.chainsStats, ChainSummary.class,
                            read -> read.size() >= chains, DEADLINE, Duration.ZERO);
                    reportChains(summaries, chains, zipkin);
                    if (options.lingerSeconds > 0) {
                        out.println("Keeping everything up for " + options.lingerSeconds + " s: " + web
                                + (zipkin == null ? "" : " and " + zipkin.url() + "/zipkin/"));
                        Thread.sleep(options.lingerSeconds * 1000);
                    }
                }
            } finally {
                flink.close();
                if (zipkin != null) {
                    zipkin.close();
                }
            }
        }
        out.println("Stopped the jobs, Flink, " + (options.zipkinPort != 0 ? "Zipkin " : "") + "and Kafka.");
    }

    /** The seed's first example (its times moved to now) and simulated traffic, in a probe fleet's delivery order. */
    private static final class Traffic {
        final List<Call> calls = new ArrayList<>();
        final List<byte[]> records = new ArrayList<>();
        final Map<String, String> truthParents = new HashMap<>();
        int bad;
        long heartbeatAtMs;
    }

    private Traffic traffic() {
        long origin = System.currentTimeMillis() - 90_000;
        Traffic traffic = new Traffic();
        List<Call> seed = List.of(new Call("id1", "10.0.0.1", "10.0.0.2", origin + 1000, 500L, origin + 1500),
                new Call("id2", "10.0.0.2", "10.0.0.3", origin + 1100, 200L, origin + 1300),
                new Call("id3", "10.0.0.3", "10.0.0.4", origin + 1120, 100L, origin + 1220));
        traffic.calls.addAll(seed);
        traffic.truthParents.put("id1", null);
        traffic.truthParents.put("id2", "id1");
        traffic.truthParents.put("id3", "id2");
        Simulation simulation = Simulation.run(new SimulatorConfig(options.calls, options.rate, options.seed, origin + 2000,
                Long.parseLong(MatchOptions.MAX_LATENCY_MS.defaultText()), DELIVERY_DISORDER_MS, 0, 0, 0));
        traffic.calls.addAll(simulation.calls());
        traffic.truthParents.putAll(simulation.truthParents());
        for (Call call : seed) {
            traffic.records.add(ProbeJson.write(call).getBytes(StandardCharsets.UTF_8));
        }
        traffic.records.addAll(simulation.records());
        for (String bad : List.of("{\"id\":\"broken\",\"src_ip\":\"10.0.0.1\"", "{\"id\":\"neg\",\"src_ip\":\"10.0.0.1\","
                + "\"dst_ip\":\"10.0.0.2\",\"start_at_ms\":5,\"latency_msec\":-1,\"end_at_ms\":4}")) {
            traffic.records.add(traffic.records.size() / 2, bad.getBytes(StandardCharsets.UTF_8));
            traffic.bad++;
        }
        long lastEnd = traffic.calls.stream().mapToLong(Call::getEndAtMs).max().orElse(origin);
        // past the last end by every time bound: every bucket has closed once the heartbeat is read
        traffic.heartbeatAtMs = lastEnd + Long.parseLong(RekeyOptions.MAX_OUT_OF_ORDERNESS_MS.defaultText())
                + Long.parseLong(MatchOptions.MAX_LATENCY_MS.defaultText()) + Long.parseLong(MatchOptions.BUCKET_MS.defaultText()) + 1;
        return traffic;
    }

    private MiniCluster startFlink() throws Exception {
        Configuration config = new Configuration();
        config.setString(RestOptions.ADDRESS, "127.0.0.1");
        config.setString(RestOptions.BIND_ADDRESS, "127.0.0.1");
        config.setInteger(RestOptions.PORT, options.flinkPort);
        // checkpoints to files, as on a real cluster (the default keeps them in memory, up to 5 MB a task)
        config.setString("state.backend", "filesystem");
        // the jobs keep their state in RocksDB: with the MiniCluster's default of 128 MB of managed memory over all
        // slots, each instance's write buffers are too small for its arena and RocksDB warns on every start
        config.set(TaskManagerOptions.MANAGED_MEMORY_SIZE, MemorySize.parse("512m"));
        config.setString("state.checkpoints.dir", options.dataDir.toAbsolutePath().resolve("checkpoints").toUri().toString());
        MiniCluster flink = new MiniCluster(new MiniClusterConfiguration.Builder().setConfiguration(config)
                .setNumTaskManagers(1).setNumSlotsPerTaskManager(4 * options.parallelism).build());
        flink.start();
        return flink;
    }

    private void report(Traffic traffic, List<StitchedCall> stitched, List<DeadLetter> deadLetters) {
        Map<String, StitchedCall> byId = new HashMap<>();
        Map<Status, Integer> statuses = new EnumMap<>(Status.class);
        for (StitchedCall call : stitched) {
            byId.put(call.getId(), call);
            statuses.merge(call.getStatus(), 1, Integer::sum);
        }
        Evaluation evaluation = Evaluation.of(traffic.calls, stitched, traffic.truthParents);
        out.println();
        out.println("The seed's first example, as stitched (times relative to its first call):");
        out.println(String.format("  %-4s %-9s %-9s %6s %8s %6s  %-8s %-8s %s", "id", "src_ip", "dst_ip", "start", "latency",
                "end", "parents", "children", "status"));
        long base = traffic.calls.get(0).getStartAtMs() - 1000;
        for (String id : List.of("id1", "id2", "id3")) {
            StitchedCall call = byId.get(id);
            if (call != null) {
                out.println(String.format("  %-4s %-9s %-9s %6d %8d %6d  %-8s %-8s %s", id, call.getSrcIp(), call.getDstIp(),
                        call.getStartAtMs() - base, call.getLatencyMsec(), call.getEndAtMs() - base,
                        call.getParents(), call.getChildren(), call.getStatus()));
            }
        }
        out.println();
        out.println("Three stitched records as job-assemble --output-format json writes them:");
        stitched.stream().filter(call -> call.getId().startsWith("call-") && !call.getChildren().isEmpty())
                .sorted(Comparator.comparing(StitchedCall::getStartAtMs))
                .limit(3).forEach(call -> out.println("  " + StitchedJson.toJson(call)));
        out.println();
        out.println("Delivery: " + traffic.calls.size() + " calls and " + traffic.bad + " bad records in; statuses " + statuses
                + "; " + deadLetters.size() + " dead letters out.");
        out.println();
        out.println("Evaluation against the rule (brute force over all pairs) and the simulator's truth:");
        out.print(evaluation.table());
        out.println();
        out.println(evaluation.differences == 0 && stitched.size() == traffic.calls.size()
                ? "Every call was stitched exactly once, as the rule says."
                : "MISMATCH with the rule, e.g. " + evaluation.differenceExamples);
    }

    private void reportChains(List<ChainSummary> summaries, long expected, LocalZipkin zipkin) throws Exception {
        Map<ChainStatus, Integer> statuses = new EnumMap<>(ChainStatus.class);
        summaries.forEach(summary -> statuses.merge(summary.getStatus(), 1, Integer::sum));
        out.println(summaries.size() + " chain summaries of " + expected + " roots with children; statuses " + statuses + ".");
        List<ChainSummary> largest = new ArrayList<>(summaries);
        largest.sort(Comparator.comparingInt(ChainSummary::getCalls).reversed().thenComparing(ChainSummary::getRootId));
        out.println("The largest chains, each call under its best parent: the requests as they most likely were, with the");
        out.println("probability that the whole tree is right (docs/chains.md explains the columns):");
        out.println(String.format("  %-16s %-12s %-12s %6s %6s %9s %10s  %s", "root", "src_ip", "dst_ip", "calls", "depth",
                "duration", "confidence", "slowest path: call latency/self ms"));
        for (ChainSummary summary : largest.subList(0, Math.min(5, largest.size()))) {
            StringBuilder path = new StringBuilder();
            for (PathHop hop : summary.getCriticalPath()) {
                path.append(path.length() == 0 ? "" : " > ").append(hop.getId()).append(' ')
                        .append(hop.getLatencyMsec()).append('/').append(hop.getSelfTimeMs());
            }
            out.println(String.format("  %-16s %-12s %-12s %6d %6d %7d ms %10.3f  %s", summary.getRootId(), summary.getRootSrcIp(),
                    summary.getRootDstIp(), summary.getCalls(), summary.getDepth(), summary.getDurationMs(), summary.getConfidence(), path));
        }
        // a small chain, so that every hop fits on the screen
        largest.stream().filter(summary -> summary.getCalls() >= 3).min(Comparator.comparingInt(ChainSummary::getCalls)
                .thenComparing(ChainSummary::getRootId)).ifPresent(small -> {
                    out.println();
                    out.println("A chain of " + small.getCalls() + " calls as job-chains --output-format json writes it:");
                    out.println("  " + ChainSummaryJson.toJson(small));
                });
        if (zipkin != null && !largest.isEmpty()) {
            ChainSummary chain = largest.get(0);
            int spans = ZipkinTraces.awaitSpans(zipkin.url(), chain.getTraceId(), 1, DEADLINE).size();
            out.println();
            out.println("Zipkin holds " + spans + " spans of the trace of root " + chain.getRootId() + "; open it in a browser:");
            out.println("  " + zipkin.traceUrl(chain.getTraceId()));
        }
    }

    /** Removes the demo's own broker directory from an earlier run; refuses anything else. */
    private static void wipe(Path kafkaDir) throws IOException, UsageException {
        if (!Files.exists(kafkaDir)) {
            return;
        }
        if (!Files.exists(kafkaDir.resolve("server.properties"))) {
            throw new UsageException(kafkaDir + " exists but is not a demo broker directory; choose another --data-dir");
        }
        try (Stream<Path> paths = Files.walk(kafkaDir)) {
            for (Path path : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(path);
            }
        }
    }
}
