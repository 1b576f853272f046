package io.callstitch.tools.soak;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import io.callstitch.common.Cli;
import io.callstitch.common.UsageException;
import io.callstitch.tools.bench.JobProbe;
import io.callstitch.tools.bench.LiveTraffic;
import io.callstitch.tools.check.Evaluation;
import io.callstitch.tools.demo.LocalPipeline;
import io.callstitch.tools.demo.PipelineTopics;
import io.callstitch.infra.kafka.LocalKafka;
import io.callstitch.infra.kafka.TopicAdmin;
import io.callstitch.tools.kafka.TopicIo;
import io.callstitch.schema.StitchedCall;
import io.callstitch.simulator.Simulation;
import io.callstitch.simulator.SimulatorConfig;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * A long run under steady live traffic, to show that nothing grows: {@code deploy/local/soak}. Samples
 * every job's buffered calls, checkpoint size and duration and RocksDB live data, and the heap, writes
 * them to {@code soak.csv}, renders them to a PNG, prints the first and last thirds side by side, and
 * checks every stitched record against the brute force at the end.
 */
public final class Soak {
    private static final String MARKER = "soak.dir";
    private static final long TAIL_MS = 90_000;
    private static final String[] JOBS = {"job-rekey", "job-match", "job-assemble"};

    private final SoakOptions options;
    private final PrintStream out;

    private Soak(SoakOptions options, PrintStream out) {
        this.options = options;
        this.out = out;
    }

    public static void main(String[] args) throws Exception {
        SoakOptions options = SoakOptions.parseOrExit(args);
        if (options.fromCsv != null) {
            Samples samples = Samples.fromCsv(Files.readAllLines(options.fromCsv, StandardCharsets.UTF_8));
            System.out.println(samples.table());
            SoakPlot.render(samples, options.plot, options.title != null ? options.title : "callstitch soak: " + options.fromCsv);
            System.out.println("plot: " + options.plot);
            return;
        }
        try {
            long differences = new Soak(options, System.out).run();
            System.exit(differences == 0 ? 0 : 1);
        } catch (UsageException e) {
            Cli.exitWithError("soak", e.getMessage());
        }
    }

    /** @return how many stitched records differ from the brute force */
    private long run() throws Exception {
        wipe(options.dataDir);
        Files.createDirectories(options.dataDir);
        Files.writeString(options.dataDir.resolve(MARKER), "a soak run's data; deploy/local/soak wipes it at each start\n");
        LocalKafka.Config kafkaConfig = LocalKafka.Config.defaults(options.dataDir.resolve("kafka"), options.kafkaPort)
                .withControllerPort(options.kafkaControllerPort);
        out.println("Starting a Kafka broker (its own JVM) on 127.0.0.1:" + options.kafkaPort + " ...");
        try (LocalKafka kafka = LocalKafka.start(kafkaConfig)) {
            PipelineTopics topics = PipelineTopics.defaults();
            for (NewTopic topic : topics.all(PipelineTopics.PARTITIONS)) {
                TopicAdmin.ensure(kafka.bootstrap(), topic.name(), topic.numPartitions());
            }
            MiniCluster flink = startFlink();
            try {
                URI web = flink.getRestAddress().get();
                out.println("Local Flink web UI: " + web);
                List<String> common = LocalPipeline.commonFlags(kafka.bootstrap(), options.parallelism, options.checkpointIntervalMs,
                        options.dataDir.resolve("checkpoints"));
                try (LocalPipeline pipeline = LocalPipeline.start(
                        () -> StreamExecutionEnvironment.createRemoteEnvironment(web.getHost(), web.getPort()),
                        topics, "soak", common, List.of(), List.of(), null)) {
                    return soak(kafka, topics, web, pipeline.jobIds());
                }
            } finally {
                flink.close();
            }
        }
    }

    private long soak(LocalKafka kafka, PipelineTopics topics, URI web, List<String> jobIds) throws Exception {
        Simulation pilot = Simulation.run(new SimulatorConfig(5000, 10, options.seed, 1, 20_000, 3000, 0, 0, 0));
        double callsPerRequest = pilot.calls().size() / (double) pilot.requests();
        long requestsPerSecond = Math.max(1, Math.round(options.callsPerSecond / callsPerRequest));
        int calls = (int) (options.minutes * 60 * options.callsPerSecond);
        LiveTraffic traffic = LiveTraffic.of(1, calls, requestsPerSecond, options.seed, System.currentTimeMillis() + 10_000, 20_000, 3000);
        out.printf("Sending %,d simulated calls live (%d requests/s, about %d calls/s) for about %d min, sampling every %d s ...%n",
                traffic.calls.size(), requestsPerSecond, options.callsPerSecond, options.minutes, options.sampleSeconds);
        Thread sender = new Thread(() -> traffic.send(kafka.bootstrap(), topics.raw, new ConcurrentHashMap<>(), traffic.lastEndMs + 51_001),
                "soak-traffic");
        sender.setDaemon(true);
        sender.start();

        Map<String, JobProbe> probes = new LinkedHashMap<>();
        for (int i = 0; i < JOBS.length; i++) {
            probes.put(JOBS[i], new JobProbe(web, jobIds.get(i)));
        }
        Samples samples = new Samples();
        long began = System.currentTimeMillis();
        long stopAt = Long.MAX_VALUE;
        Path csv = options.dataDir.resolve("soak.csv");
        while (System.currentTimeMillis() < stopAt) {
            sample(samples, probes, (System.currentTimeMillis() - began) / 1000.0);
            Files.writeString(csv, samples.csv(), StandardCharsets.UTF_8);
            if (stopAt == Long.MAX_VALUE && !sender.isAlive()) {
                stopAt = System.currentTimeMillis() + TAIL_MS;
            }
            TimeUnit.SECONDS.sleep(options.sampleSeconds);
        }

        List<StitchedCall> stitched = TopicIo.readUntil(kafka.bootstrap(), topics.stitched, StitchedCall.class,
                read -> read.size() >= traffic.calls.size(), Duration.ofMinutes(5), Duration.ofSeconds(5));
        Evaluation evaluation = Evaluation.of(traffic.calls, stitched, null);
        out.println();
        out.println(samples.table());
        String title = options.title != null ? options.title : String.format("callstitch soak: %,d calls in %d min at %d calls/s,"
                + " parallelism %d, RocksDB", traffic.calls.size(), options.minutes, options.callsPerSecond, options.parallelism);
        SoakPlot.render(samples, options.plot, title);
        out.println("Samples: " + csv + "; plot: " + options.plot);
        out.printf("Stitched %,d records for %,d calls: %d differ from the brute force%s%n", stitched.size(), traffic.calls.size(),
                evaluation.differences, evaluation.differences == 0 ? "" : ", e.g. " + evaluation.differenceExamples);
        return stitched.size() == traffic.calls.size() ? evaluation.differences : Math.max(1L, evaluation.differences);
    }

    private static void sample(Samples samples, Map<String, JobProbe> probes, double seconds) {
        Map<String, Double> row = new LinkedHashMap<>();
        try {
            row.put("job-match buffered calls", (double) probes.get("job-match").metricSum("bufferedCalls"));
            row.put("job-assemble calls in state", (double) probes.get("job-assemble").metricSum("pendingCalls"));
            for (Map.Entry<String, JobProbe> job : probes.entrySet()) {
                long[] checkpoint = job.getValue().latestCheckpoint();
                row.put(job.getKey() + " checkpoint MB", checkpoint == null ? 0 : checkpoint[1] / 1e6);
                row.put(job.getKey() + " checkpoint s", Math.max(0, job.getValue().latestCheckpointDurationMs()) / 1000.0);
                row.put(job.getKey() + " RocksDB live MB", Math.max(0, job.getValue().metricSum("rocksdb_estimate-live-data-size")) / 1e6);
            }
        } catch (IOException | InterruptedException e) {
            return;
        }
        row.put("heap used MB", ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / 1e6);
        samples.add(seconds, row);
    }

    private MiniCluster startFlink() throws Exception {
        Configuration config = new Configuration();
        config.setString(RestOptions.ADDRESS, "127.0.0.1");
        config.setString(RestOptions.BIND_ADDRESS, "127.0.0.1");
        config.setInteger(RestOptions.PORT, options.flinkPort);
        config.setString("state.checkpoints.dir", options.dataDir.resolve("checkpoints").toUri().toString());
        config.setString("taskmanager.memory.managed.size", "512m");
        config.setString("metrics.fetcher.update-interval", "1000");
        config.setString("state.backend.rocksdb.metrics.estimate-live-data-size", "true");
        MiniCluster flink = new MiniCluster(new MiniClusterConfiguration.Builder().setConfiguration(config)
                .setNumTaskManagers(1).setNumSlotsPerTaskManager(4 * options.parallelism).build());
        flink.start();
        return flink;
    }

    /** Removes an earlier soak's data directory; refuses one that is not a soak's. */
    private static void wipe(Path dir) throws IOException, UsageException {
        if (!Files.exists(dir)) {
            return;
        }
        boolean empty;
        try (Stream<Path> entries = Files.list(dir)) {
            empty = entries.findAny().isEmpty();
        }
        if (!empty && !Files.exists(dir.resolve(MARKER))) {
            throw new UsageException(dir + " exists but is not a soak's data directory; choose another --data-dir");
        }
        try (Stream<Path> all = Files.walk(dir)) {
            List<Path> paths = new ArrayList<>();
            all.forEach(paths::add);
            Collections.reverse(paths);
            for (Path path : paths) {
                Files.delete(path);
            }
        }
    }
}
