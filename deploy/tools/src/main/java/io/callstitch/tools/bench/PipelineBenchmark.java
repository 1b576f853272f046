package io.callstitch.tools.bench;

import io.callstitch.assemble.AssembleJob;
import io.callstitch.assemble.AssembleOptions;
import io.callstitch.assemble.CallAssembly;
import io.callstitch.common.AvroBytes;
import io.callstitch.common.Cli;
import io.callstitch.common.Flag;
import io.callstitch.common.KafkaJobOptions;
import io.callstitch.common.StartPosition;
import io.callstitch.common.UsageException;
import io.callstitch.tools.bench.BenchOptions.Contender;
import io.callstitch.tools.demo.LocalPipeline;
import io.callstitch.tools.demo.PipelineTopics;
import io.callstitch.reference.BruteForce;
import io.callstitch.infra.kafka.LocalKafka;
import io.callstitch.infra.kafka.LocalKafkaException;
import io.callstitch.tools.kafka.TopicIo;
import io.callstitch.common.EdgeRule.Buckets;
import io.callstitch.match.MatchJob;
import io.callstitch.match.MatchOptions;
import io.callstitch.rekey.RekeyJob;
import io.callstitch.rekey.RekeyOptions;
import io.callstitch.schema.AssemblyState;
import io.callstitch.schema.ByIpRecord;
import io.callstitch.schema.Call;
import io.callstitch.schema.EdgePiece;
import io.callstitch.schema.Role;
import io.callstitch.schema.Status;
import io.callstitch.schema.StitchedCall;
import io.callstitch.simulator.Simulation;
import io.callstitch.simulator.SimulatorConfig;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.flink.api.common.typeutils.base.StringSerializer;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.formats.avro.typeutils.AvroSerializer;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * {@code deploy/local/bench-pipeline}: callstitch against what Kafka and Flink move on this machine. See
 * docs/performance.md for what each figure means and the table of the last run.
 *
 * <p>Each workload's traffic is written once into a raw topic, ending with a heartbeat per partition.
 * Each round then runs every contender from the earliest offset into fresh output topics, one contender
 * at a time, on one local Flink with the same Kafka ends, checkpoint interval and exactly-once delivery.
 * A contender's rate is its output records over the span of their broker append times (the output
 * topics use {@code LogAppendTime}), so job start-up and the first checkpoint's wait are not in it.
 * Stitched outputs are compared record by record with the brute force.
 */
public final class PipelineBenchmark {
    private static final long START_MS = 1_700_000_000_000L;
    private static final long DELIVERY_DISORDER_MS = 5_000;
    private static final PrintStream NO_HELP = new PrintStream(OutputStream.nullOutputStream());

    private final BenchOptions options;
    private final PrintStream out;
    private LocalKafka kafka;
    private MiniCluster flink;
    private URI rest;

    private PipelineBenchmark(BenchOptions options, PrintStream out) {
        this.options = options;
        this.out = out;
    }

    public static void main(String[] args) throws Exception {
        BenchOptions options = BenchOptions.parseOrExit(args);
        try {
            new PipelineBenchmark(options, System.out).run();
        } catch (UsageException | LocalKafkaException e) {
            Cli.exitWithError("bench-pipeline", e.getMessage());
        }
        System.exit(0);
    }

    /** One workload's traffic and what the rule says of it. */
    static final class Workload {
        final String name;
        final List<Call> calls;
        final Map<String, BruteForce.Expected> expected;
        final long pieces;
        final String rawTopic;
        final String description;
        /** The first calls of the same traffic, for the intervalJoin peer; null before they are loaded. */
        Workload peer;
        /** The same traffic, 1/4 and 1/16 as long, for the pipeline's growth; null when not run. */
        Workload quarter;
        Workload sixteenth;
        double callsPerRequest;
        long rate;
        /** Whether a run keeps each output record's append time: only the live run, which measures latency from it. */
        boolean timed;
        // each call's position and the brute force's lists by position, for the check of a run's output as it is
        // read: made once, before any run, so the reader, which shares the cores with the jobs under test, does a
        // hash look-up and two list comparisons per record and no more (made per record from the brute force's
        // sorted sets, the check took a tenth of the machine's samples while the pipeline ran)
        private Map<String, Integer> positions;
        private List<List<String>> parentLists;
        private List<List<String>> childLists;

        /** Prepares what {@link OutputCheck} reads; call it before a run is timed. */
        Workload prepareCheck() {
            if (positions == null) {
                positions = new HashMap<>(calls.size() * 2);
                parentLists = new ArrayList<>(calls.size());
                childLists = new ArrayList<>(calls.size());
                for (int i = 0; i < calls.size(); i++) {
                    String id = calls.get(i).getId();
                    positions.put(id, i);
                    BruteForce.Expected lists = expected.get(id);
                    parentLists.add(lists.parentList());
                    childLists.add(lists.childList());
                }
            }
            return this;
        }

        Workload(String name, List<Call> calls, Map<String, BruteForce.Expected> expected, long pieces, String rawTopic,
                String description) {
            this.name = name;
            this.calls = calls;
            this.expected = expected;
            this.pieces = pieces;
            this.rawTopic = rawTopic;
            this.description = description;
        }
    }

    /** What one run of one contender measured. */
    static final class Result {
        final long records;
        final long spanMs;
        final long firstMs;
        final long lastMs;
        final long peakHeapBytes;
        final String check;
        /** Of the jobs whose buffered calls were followed, in pipeline order. */
        final List<StateSampler.Figures> states;
        /** Stitched call id to the broker's append time, where stitched output was checked. */
        final Map<String, Long> appendTimes = new HashMap<>();
        /** CPU time of this JVM (Flink and the reader, not the broker) over the span, in ms; -1 if not sampled. */
        double cpuMs = -1;
        /** CPU ms of the JVM's threads by what they do, from the jobs' start to their cancel ({@link ThreadCpu}). */
        Map<String, Double> cpuByThread = Map.of();
        /** CPU ms of the whole JVM over the same time. */
        double cpuMsWhole = -1;
        /** Where the run timed out: the records it was to write, and how long it was given; else 0. */
        long expected;
        long timeoutMs;

        Result(long records, long spanMs, long firstMs, long lastMs, long peakHeapBytes, String check) {
            this(records, spanMs, firstMs, lastMs, peakHeapBytes, check, List.of());
        }

        Result(long records, long spanMs, long firstMs, long lastMs, long peakHeapBytes, String check,
                List<StateSampler.Figures> states) {
            this.states = states;
            this.records = records;
            this.spanMs = spanMs;
            this.firstMs = firstMs;
            this.lastMs = lastMs;
            this.peakHeapBytes = peakHeapBytes;
            this.check = check;
        }

        double perSecond() {
            return spanMs <= 0 ? 0 : records * 1000.0 / spanMs;
        }

        void timedOut(long expectedRecords, long givenMs) {
            this.expected = expectedRecords;
            this.timeoutMs = givenMs;
        }

        /**
         * A run that timed out as if it had written all its records just as it was given up: it wrote fewer in that
         * time, so its true rate over them all is under this one's.
         */
        Result allWrittenAtTimeout() {
            return new Result(expected, timeoutMs, firstMs, lastMs, peakHeapBytes, check, states);
        }
    }

    /**
     * This JVM's CPU time against the wall clock, sampled while jobs run. Where the machine is shared the rates
     * move with the load of others, while the CPU a record costs moves much less.
     */
    static final class CpuClock {
        private final com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        private final List<long[]> samples = Collections.synchronizedList(new ArrayList<>());

        void sample() {
            samples.add(new long[] {System.currentTimeMillis(), os.getProcessCpuTime()});
        }

        /** CPU ms used between two wall-clock times, interpolated between the samples around them. */
        double cpuMsBetween(long fromMs, long toMs) {
            return (cpuNsAt(toMs) - cpuNsAt(fromMs)) / 1e6;
        }

        private double cpuNsAt(long ms) {
            synchronized (samples) {
                long[] before = samples.get(0);
                for (long[] sample : samples) {
                    if (sample[0] >= ms) {
                        return sample[0] == before[0] ? sample[1]
                                : before[1] + (double) (sample[1] - before[1]) * (ms - before[0]) / (sample[0] - before[0]);
                    }
                    before = sample;
                }
                return before[1];
            }
        }
    }

    private void run() throws Exception {
        wipe(options.dataDir);
        out.println("Starting Kafka (KRaft, its own JVM) on 127.0.0.1:" + options.kafkaPort + " ...");
        try (LocalKafka broker = LocalKafka.start(LocalKafka.Config.defaults(options.dataDir.resolve("kafka"), options.kafkaPort)
                .withControllerPort(options.kafkaControllerPort).withHeap("1g"))) {
            kafka = broker;
            flink = startFlink();
            rest = flink.getRestAddress().get();
            try {
                if (options.warmupCalls > 0) {
                    warmUp();
                }
                for (String name : options.workloads) {
                    Workload workload = load(name);
                    Map<Contender, List<Result>> results = measure(workload);
                    report(workload, results);
                    if (options.latencySeconds > 0 && results.containsKey(Contender.PIPELINE)) {
                        latency(workload, median(results.get(Contender.PIPELINE), result -> result.perSecond()));
                    }
                }
            } finally {
                flink.close();
            }
        }
    }

    /**
     * The pipeline and ceiling (b) once on traffic of their own, not counted: the cluster runs in this JVM, and
     * without it the first round's contender would pay for compiling what every later one runs compiled.
     */
    private void warmUp() throws Exception {
        out.println();
        out.println("Warm-up (not counted): " + options.warmupCalls + " calls at " + options.lowRate + " requests/s ...");
        Workload warmup = traffic("warmup", options.warmupCalls, options.lowRate);
        for (Contender contender : List.of(Contender.PIPELINE, Contender.CEILING_B)) {
            String prefix = "bench-warmup." + Flag.cliName(contender);
            out.printf("  %s ... (load average %s)%n", contender.label, loadAverage());
            Result result = contender == Contender.PIPELINE ? runPipeline(warmup, prefix) : runCeilingB(warmup, prefix);
            out.printf("    %,d records in %.1f s of output; %s%n", result.records, result.spanMs / 1000.0, result.check);
        }
    }

    private Workload load(String name) throws Exception {
        long rate = name.equals("hot") ? options.hotRate : options.lowRate;
        int calls = name.equals("hot") ? options.hotCalls : options.calls;
        out.println();
        out.println("Workload " + name + ": simulating " + calls + " calls at " + rate + " requests/s ...");
        Workload workload = traffic(name, calls, rate);
        if (options.contenders.contains(Contender.PEER)) {
            int peerCalls = Math.min(options.peerCalls, calls);
            out.println("  the intervalJoin peer's traffic: the same simulation, " + peerCalls + " calls");
            workload.peer = traffic(name + "-peer", peerCalls, rate);
        }
        if (options.contenders.contains(Contender.PIPELINE_QUARTER)) {
            out.println("  the same traffic, a quarter as long:");
            workload.quarter = traffic(name + "-quarter", calls / 4, rate);
        }
        if (options.contenders.contains(Contender.PIPELINE_SIXTEENTH)) {
            out.println("  the same traffic, a sixteenth as long:");
            workload.sixteenth = traffic(name + "-sixteenth", calls / 16, rate);
        }
        return workload;
    }

    private Workload traffic(String name, int callCount, long rate) throws Exception {
        long maxLatency = Long.parseLong(MatchOptions.MAX_LATENCY_MS.defaultText());
        Simulation simulation = Simulation.run(new SimulatorConfig(callCount, rate, options.seed, START_MS, maxLatency,
                DELIVERY_DISORDER_MS, 0, 0, 0));
        List<Call> calls = simulation.calls();
        Map<String, Integer> perIp = new HashMap<>();
        for (Call call : calls) {
            perIp.merge(call.getSrcIp(), 1, Integer::sum);
            if (!call.getDstIp().equals(call.getSrcIp())) {
                perIp.merge(call.getDstIp(), 1, Integer::sum);
            }
        }
        Map.Entry<String, Integer> busiest = Collections.max(perIp.entrySet(), Map.Entry.comparingByValue());
        String description = String.format("%d calls, %d requests/s; busiest ip %s in %.0f%% of the calls; peak %d calls in flight into the gateway",
                calls.size(), rate, busiest.getKey(), 100.0 * busiest.getValue() / calls.size(), simulation.peakGatewayConcurrency());
        out.println("  " + description);
        Buckets buckets = buckets();
        long pieces = 0;
        for (Call call : calls) {
            pieces += buckets.pieces(call);
        }
        long bruteStart = System.nanoTime();
        Map<String, BruteForce.Expected> expected = BruteForce.stitch(calls);
        out.printf("  brute force over all pairs: %d edges in %.1f s%n", expected.values().stream().mapToLong(e -> e.children.size()).sum(),
                (System.nanoTime() - bruteStart) / 1e9);
        String rawTopic = "bench-" + name + ".raw";
        createTopics(false, PipelineTopics.RAW_PARTITIONS, rawTopic);
        long heartbeat = simulation.lastEndMs() + Long.parseLong(RekeyOptions.MAX_OUT_OF_ORDERNESS_MS.defaultText()) + maxLatency
                + buckets.bucketMs() + 1;
        long writeStart = System.nanoTime();
        TopicIo.produceRoundRobin(kafka.bootstrap(), rawTopic, simulation.records(), heartbeat);
        out.printf("  pre-loaded %d records into %s (%d partitions) in %.1f s%n", simulation.records().size(), rawTopic, PipelineTopics.RAW_PARTITIONS,
                (System.nanoTime() - writeStart) / 1e9);
        Workload workload = new Workload(name, calls, expected, pieces, rawTopic, description);
        workload.callsPerRequest = (double) calls.size() / simulation.requests();
        workload.rate = rate;
        return workload;
    }

    private Map<Contender, List<Result>> measure(Workload workload) throws Exception {
        Map<Contender, List<Result>> results = new EnumMap<>(Contender.class);
        String byIpOfPipeline = null;
        String edgesOfPipeline = null;
        for (int round = 1; round <= options.runs; round++) {
            for (Contender contender : options.contenders) {
                String prefix = "bench-" + workload.name + ".r" + round + "." + Flag.cliName(contender);
                out.printf("  round %d/%d, %s ... (load average %s)%n", round, options.runs, contender.label, loadAverage());
                String byIpFilled = byIpOfPipeline;
                String edgesFilled = edgesOfPipeline;
                Result result;
                switch (contender) {
                    case PIPELINE:
                        result = runPipeline(workload, prefix);
                        if (byIpOfPipeline == null) {
                            byIpOfPipeline = prefix + ".by-ip";
                            edgesOfPipeline = prefix + ".edges";
                        }
                        break;
                    case PIPELINE_QUARTER:
                        result = runPipeline(workload.quarter, prefix);
                        break;
                    case PIPELINE_SIXTEENTH:
                        result = runPipeline(workload.sixteenth, prefix);
                        break;
                    case REKEY:
                        createTopics(false, options.topicPartitions, deadLetterTopic(prefix));
                        result = runJobs(prefix + ".by-ip", 2L * workload.calls.size(), null, List.of(
                                env -> RekeyJob.pipeline(env, rekeyOptions(prefix, workload.rawTopic, prefix + ".by-ip"))));
                        break;
                    case MATCH:
                        createTopics(false, options.topicPartitions, deadLetterTopic(prefix));
                        result = runJobs(prefix + ".edges", workload.pieces, null, List.of(
                                env -> MatchJob.pipeline(env, matchOptions(prefix, byIpFilled, prefix + ".edges"))));
                        break;
                    case ASSEMBLE:
                        createTopics(false, options.topicPartitions, deadLetterTopic(prefix));
                        result = runJobs(prefix + ".stitched", workload.calls.size(), workload, List.of(
                                env -> AssembleJob.pipeline(env, assembleOptions(prefix, edgesFilled, prefix + ".stitched"))));
                        break;
                    case CEILING_A:
                        result = runJobs(prefix + ".out", workload.calls.size(), null, List.of(
                                env -> CeilingJobs.passThrough(env, kafkaOptions(prefix + "-a"), rekeySettings(), workload.rawTopic,
                                        prefix + ".out")));
                        break;
                    case CEILING_A_TWICE:
                    case CEILING_A_KEYED_TWICE:
                        result = runJobs(prefix + ".out", 2L * workload.calls.size(), null, List.of(
                                env -> CeilingJobs.passThroughTwice(env, kafkaOptions(prefix + "-a"), rekeySettings(), workload.rawTopic,
                                        prefix + ".out", contender == Contender.CEILING_A_KEYED_TWICE)));
                        break;
                    case CEILING_B:
                        result = runCeilingB(workload, prefix);
                        break;
                    case PEER:
                    default:
                        Workload peer = workload.peer;
                        result = runJobs(prefix + ".stitched", peer.calls.size(), peer, List.of(
                                env -> IntervalJoinPeer.pipeline(env, kafkaOptions(prefix), peerSettings(), peer.rawTopic,
                                        prefix + ".stitched", buckets().maxLatencyMs())));
                        break;
                }
                out.printf("    %,d records in %.1f s of output: %,.0f/s; %.2f cores busy, %.1f CPU us per call; peak heap %d MB; %s%n",
                        result.records, result.spanMs / 1000.0, result.perSecond(), result.spanMs <= 0 ? 0 : result.cpuMs / result.spanMs,
                        cpuMicrosPerCall(contender, workload, result), result.peakHeapBytes >> 20, result.check);
                if (!result.cpuByThread.isEmpty()) {
                    out.println("      " + ThreadCpu.summary(result.cpuByThread, result.cpuMsWhole, 8));
                }
                results.computeIfAbsent(contender, c -> new ArrayList<>()).add(result);
            }
        }
        return results;
    }

    /**
     * Live traffic at half the pipeline's saturated rate, each record sent when its call has ended (so
     * event time follows the wall clock, as with real probes), and the time from a record's send to its
     * stitched record's append. Calls in the last D + L + B of the traffic are left out: the closing
     * heartbeat flushes them early.
     */
    private void latency(Workload workload, double saturatedCallsPerSecond) throws Exception {
        long callsPerSecond = Math.max(1, (long) (saturatedCallsPerSecond / 2));
        double tenantCallsPerSecond = workload.rate * workload.callsPerRequest;
        int tenants = (int) Math.max(1, Math.round(callsPerSecond / tenantCallsPerSecond));
        if (tenantCallsPerSecond > callsPerSecond * 2) {
            out.println();
            out.printf("Latency, workload %s: one system of this shape alone makes %,.0f calls/s, above the pipeline's %,.0f:"
                    + " no live run at half of it without changing its shape%n", workload.name, tenantCallsPerSecond, saturatedCallsPerSecond);
            return;
        }
        int perTenant = (int) (tenantCallsPerSecond * options.latencySeconds);
        long maxLatency = buckets().maxLatencyMs();
        long flushWindow = Long.parseLong(RekeyOptions.MAX_OUT_OF_ORDERNESS_MS.defaultText()) + maxLatency + buckets().bucketMs() + 1;
        out.println();
        out.printf("Latency, workload %s: %d copies of its system side by side (own ips and ids, the same shape), %,.0f calls/s"
                + " live (half of the pipeline's %,.0f) for %d s ...%n", workload.name, tenants, tenants * tenantCallsPerSecond,
                saturatedCallsPerSecond, options.latencySeconds);
        long origin = System.currentTimeMillis() + 5_000;
        LiveTraffic traffic = LiveTraffic.of(tenants, perTenant, workload.rate, options.seed + 1, origin, maxLatency, DELIVERY_DISORDER_MS);
        Workload live = new Workload(workload.name + "-live", traffic.calls, BruteForce.stitch(traffic.calls), 0,
                "bench-" + workload.name + ".live.raw", "");
        live.timed = true;
        String prefix = "bench-" + workload.name + ".live";
        createTopics(false, PipelineTopics.RAW_PARTITIONS, live.rawTopic);
        Map<String, Long> sentAt = new ConcurrentHashMap<>();
        long heartbeatAt = traffic.lastEndMs + flushWindow;
        Thread writer = new Thread(() -> traffic.send(kafka.bootstrap(), live.rawTopic, sentAt, heartbeatAt), "live-traffic");
        Result result = runJobs(prefix + ".stitched", traffic.calls.size(), live, List.of(
                env -> RekeyJob.pipeline(env, rekeyOptions(prefix, live.rawTopic, prefix + ".by-ip")),
                env -> MatchJob.pipeline(env, matchOptions(prefix, prefix + ".by-ip", prefix + ".edges")),
                env -> AssembleJob.pipeline(env, assembleOptions(prefix, prefix + ".edges", prefix + ".stitched"))),
                Arrays.asList(null, "bufferedCalls", "pendingCalls"), writer::start,
                prefix + ".by-ip", prefix + ".edges", deadLetterTopic(prefix));
        writer.join();
        long steadyUntil = traffic.lastEndMs - flushWindow;
        Map<String, Long> ends = new HashMap<>();
        traffic.calls.forEach(call -> ends.put(call.getId(), call.getEndAtMs()));
        List<Long> latencies = new ArrayList<>();
        for (Map.Entry<String, Long> appended : result.appendTimes.entrySet()) {
            Long sent = sentAt.get(appended.getKey());
            if (sent != null && ends.getOrDefault(appended.getKey(), Long.MAX_VALUE) <= steadyUntil) {
                latencies.add(appended.getValue() - sent);
            }
        }
        Collections.sort(latencies);
        long bound = flushWindow - 1 + 3 * options.checkpointIntervalMs + 5_000;
        out.printf("  %,d calls measured (the last D + L + B of traffic left out: the closing heartbeat flushes them early):%n"
                + "  end-to-end latency p50 %.1f s, p99 %.1f s (target: D + L + B + 3 checkpoints + 5 s = %.1f s); %s%n",
                latencies.size(), percentile(latencies, 0.50) / 1000.0, percentile(latencies, 0.99) / 1000.0, bound / 1000.0,
                result.check);
        hops(prefix, sentAt, result.appendTimes, ends, steadyUntil, flushWindow - 1);
        for (StateSampler.Figures state : result.states) {
            out.printf("    %-14s peak %,10d calls buffered, peak checkpoint %,8.1f MB, peak RocksDB live data %,8.1f MB,"
                    + " %,6d bytes per buffered call%n", state.gauge, state.peakBuffered, state.peakCheckpointBytes / 1e6,
                    state.peakLiveBytes / 1e6, state.bytesPerBuffered);
        }
    }

    /**
     * Where the end-to-end latency goes, per measured call, from the broker's append times of each hop's
     * output (stamped as the hop writes, before its transaction commits, so a hop's figure holds the
     * upstream hop's wait for its checkpoint, and the last hop's own commit is in none): job-rekey, send to
     * the later of the call's two by-ip copies; job-match, that to the last edge piece of the call, which
     * includes the wait for the last bucket the call touches to close (D + L + B); job-assemble, that to the
     * stitched record.
     */
    private void hops(String prefix, Map<String, Long> sentAt, Map<String, Long> stitchedAt, Map<String, Long> ends, long steadyUntil,
            long closeWaitMs) throws IOException {
        AvroBytes<ByIpRecord> byIp = new AvroBytes<>(ByIpRecord.class);
        Map<String, Long> rekeyed = lastAppend(prefix + ".by-ip", bytes -> {
            ByIpRecord record = byIp.decode(bytes);
            return record.getCall() == null ? null : record.getCall().getId();
        });
        AvroBytes<EdgePiece> edge = new AvroBytes<>(EdgePiece.class);
        Map<String, Long> matched = lastAppend(prefix + ".edges", bytes -> {
            EdgePiece piece = edge.decode(bytes);
            return piece.getRole() == Role.MARK ? null : piece.getCall().getId();
        });
        List<Long> rekey = new ArrayList<>();
        List<Long> match = new ArrayList<>();
        List<Long> assemble = new ArrayList<>();
        for (Map.Entry<String, Long> stitched : stitchedAt.entrySet()) {
            String id = stitched.getKey();
            Long sent = sentAt.get(id);
            Long one = rekeyed.get(id);
            Long two = matched.get(id);
            if (sent != null && one != null && two != null && ends.getOrDefault(id, Long.MAX_VALUE) <= steadyUntil) {
                rekey.add(one - sent);
                match.add(two - one);
                assemble.add(stitched.getValue() - two);
            }
        }
        Collections.sort(rekey);
        Collections.sort(match);
        Collections.sort(assemble);
        out.printf("  by hop, p50 / p99 (%,d calls): job-rekey %.1f / %.1f s, job-match %.1f / %.1f s (its buckets' close, D + L + B = %.1f s)"
                + ", job-assemble %.1f / %.1f s%n", rekey.size(), percentile(rekey, 0.5) / 1000.0,
                percentile(rekey, 0.99) / 1000.0, percentile(match, 0.5) / 1000.0, percentile(match, 0.99) / 1000.0,
                closeWaitMs / 1000.0,
                percentile(assemble, 0.5) / 1000.0, percentile(assemble, 0.99) / 1000.0);
    }

    /** Per call id, the latest append time of its records in the topic, read read_committed to its end. */
    private Map<String, Long> lastAppend(String topic, IdOf idOf) throws IOException {
        Map<String, Long> last = new HashMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer = TopicIo.fromBeginning(kafka.bootstrap(), topic, true)) {
            Map<TopicPartition, Long> end = consumer.endOffsets(consumer.assignment());
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(options.runTimeoutSeconds);
            while (System.nanoTime() < deadline && end.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue())) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    String id = isMark(record) ? null : idOf.of(record.value());
                    if (id != null) {
                        last.merge(id, record.timestamp(), Math::max);
                    }
                }
            }
        }
        return last;
    }

    /** The call id a topic's record is about, or null for none. */
    private interface IdOf {
        String of(byte[] value) throws IOException;
    }

    private static long percentile(List<Long> sorted, double share) {
        return sorted.isEmpty() ? -1 : sorted.get(Math.min(sorted.size() - 1, (int) (share * sorted.size())));
    }

    private Result runCeilingB(Workload workload, String prefix) throws Exception {
        return runJobs(prefix + ".stitched", workload.calls.size(), null, List.of(
                env -> CeilingJobs.noOpRekey(env, kafkaOptions(prefix + "-1"), rekeySettings(), workload.rawTopic, prefix + ".by-ip"),
                env -> CeilingJobs.noOpMatch(env, kafkaOptions(prefix + "-2"), buckets(), prefix + ".by-ip", prefix + ".edges"),
                env -> CeilingJobs.noOpAssemble(env, assembleKafkaOptions(prefix + "-3"), prefix + ".edges", prefix + ".stitched")),
                prefix + ".by-ip", prefix + ".edges");
    }

    private Result runPipeline(Workload workload, String prefix) throws Exception {
        return runJobs(prefix + ".stitched", workload.calls.size(), workload, List.of(
                env -> RekeyJob.pipeline(env, rekeyOptions(prefix, workload.rawTopic, prefix + ".by-ip")),
                env -> MatchJob.pipeline(env, matchOptions(prefix, prefix + ".by-ip", prefix + ".edges")),
                env -> AssembleJob.pipeline(env, assembleOptions(prefix, prefix + ".edges", prefix + ".stitched"))),
                Arrays.asList(null, "bufferedCalls", "pendingCalls"),
                prefix + ".by-ip", prefix + ".edges", deadLetterTopic(prefix));
    }

    /** Adds one job to a fresh environment bound to the local Flink. */
    @FunctionalInterface
    private interface JobBuilder {
        void addTo(StreamExecutionEnvironment env) throws Exception;
    }

    /**
     * Creates the topics, starts the jobs, reads {@code outputTopic} until {@code expected} records came
     * (read_committed), and cancels the jobs.
     *
     * @param check the workload to check stitched output against, or null to only count
     * @param otherTopics the topics between the jobs, the first hop's output first
     */
    private Result runJobs(String outputTopic, long expected, Workload check, List<JobBuilder> jobs, String... otherTopics)
            throws Exception {
        return runJobs(outputTopic, expected, check, jobs, Collections.nCopies(jobs.size(), null), otherTopics);
    }

    private Result runJobs(String outputTopic, long expected, Workload check, List<JobBuilder> jobs, List<String> gauges,
            String... otherTopics) throws Exception {
        return runJobs(outputTopic, expected, check, jobs, gauges, () -> { }, otherTopics);
    }

    /**
     * @param gauges per job, the gauge of its buffered calls to follow beside its checkpoint size, or null
     * @param started called once every job runs: where live traffic starts
     */
    private Result runJobs(String outputTopic, long expected, Workload check, List<JobBuilder> jobs, List<String> gauges,
            Runnable started, String... otherTopics) throws Exception {
        if (check != null) {
            check.prepareCheck();
        }
        createTopics(true, options.topicPartitions, outputTopic);
        createTopics(true, options.topicPartitions, otherTopics);
        List<JobClient> clients = new ArrayList<>();
        List<StateSampler> samplers = new ArrayList<>();
        AtomicBoolean sampling = new AtomicBoolean(true);
        AtomicLong peakHeap = new AtomicLong();
        CpuClock cpu = new CpuClock();
        cpu.sample();
        ThreadCpu threadCpu = new ThreadCpu();
        threadCpu.sample();
        long startedAtMs = System.currentTimeMillis();
        Thread sampler = new Thread(() -> {
            for (long tick = 1; sampling.get(); tick++) {
                peakHeap.accumulateAndGet(ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed(), Math::max);
                cpu.sample();
                if (tick % 10 == 0) {
                    threadCpu.sample();
                }
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "heap-sampler");
        sampler.setDaemon(true);
        sampler.start();
        try {
            // the last hop first, each one up (its first checkpoint done) before the next upstream one starts: a
            // chain is then timed from its first record in, not from the start-up of its slowest job
            for (int i = jobs.size() - 1; i >= 0; i--) {
                StreamExecutionEnvironment env = StreamExecutionEnvironment.createRemoteEnvironment(rest.getHost(), rest.getPort());
                jobs.get(i).addTo(env);
                JobClient client = env.executeAsync(outputTopic);
                clients.add(client);
                if (gauges.get(i) != null) {
                    samplers.add(StateSampler.start(new JobProbe(rest, client.getJobID().toString()), gauges.get(i)));
                }
                if (i > 0) {
                    awaitFirstCheckpoint(client);
                }
            }
            started.run();
            Result read = read(outputTopic, expected, check, peakHeap);
            Collections.reverse(samplers);
            List<StateSampler.Figures> states = new ArrayList<>();
            for (StateSampler stateSampler : samplers) {
                states.add(stateSampler.stop());
            }
            cpu.sample();
            threadCpu.sample();
            Result result = new Result(read.records, read.spanMs, read.firstMs, read.lastMs, read.peakHeapBytes, read.check, states);
            result.appendTimes.putAll(read.appendTimes);
            result.timedOut(read.expected, read.timeoutMs);
            result.cpuMs = cpu.cpuMsBetween(result.firstMs, result.lastMs);
            result.cpuByThread = threadCpu.byGroup();
            result.cpuMsWhole = cpu.cpuMsBetween(startedAtMs, System.currentTimeMillis());
            if (otherTopics.length == 0) {
                return result;
            }
            // a chain of jobs is timed from the first record its first hop wrote to the last record out,
            // so the hops' wait for each other's checkpoints is in the figure
            long firstOfFirstHop = firstAppendTime(otherTopics[0]);
            Result chain = new Result(result.records, result.lastMs - Math.min(firstOfFirstHop, result.firstMs), result.firstMs,
                    result.lastMs, result.peakHeapBytes, result.check, states);
            chain.appendTimes.putAll(result.appendTimes);
            chain.timedOut(result.expected, result.timeoutMs);
            chain.cpuMs = cpu.cpuMsBetween(result.lastMs - chain.spanMs, result.lastMs);
            chain.cpuByThread = result.cpuByThread;
            chain.cpuMsWhole = result.cpuMsWhole;
            return chain;
        } finally {
            sampling.set(false);
            for (StateSampler stateSampler : samplers) {
                stateSampler.stop();
            }
            for (JobClient client : clients) {
                client.cancel().get(60, TimeUnit.SECONDS);
            }
        }
    }

    private Result read(String topic, long expected, Workload check, AtomicLong peakHeap) throws Exception {
        AvroBytes<StitchedCall> avro = new AvroBytes<>(StitchedCall.class);
        // checked as read, not kept: holding a million records would load this JVM's garbage collector, which the
        // cluster under test shares, more the longer the run
        OutputCheck output = check == null ? null : new OutputCheck(check);
        Map<String, Long> appendTimes = new HashMap<>();
        long count = 0;
        long first = Long.MAX_VALUE;
        long last = Long.MIN_VALUE;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(options.runTimeoutSeconds);
        long nextProgress = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        try (KafkaConsumer<byte[], byte[]> consumer = TopicIo.fromBeginning(kafka.bootstrap(), topic, true)) {
            while (count < expected && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    if (check == null && isMark(record)) {
                        continue;
                    }
                    count++;
                    first = Math.min(first, record.timestamp());
                    last = Math.max(last, record.timestamp());
                    if (check != null) {
                        StitchedCall call = avro.decode(record.value());
                        output.accept(call);
                        if (check.timed) {
                            appendTimes.put(call.getId(), record.timestamp());
                        }
                    }
                }
                if (System.nanoTime() > nextProgress) {
                    out.printf("    ... %,d of %,d records (load average %s)%n", count, expected, loadAverage());
                    nextProgress = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
                }
            }
        }
        String verdict = count < expected ? "TIMED OUT after " + count + " of " + expected + " records"
                : check == null ? "count as expected" : output.verdict();
        if (count == 0) {
            // nothing came: no span, rather than the difference of the two sentinels
            first = 0;
            last = 0;
        }
        Result result = new Result(count, last - first, first, last, peakHeap.get(), verdict);
        result.appendTimes.putAll(appendTimes);
        if (count < expected) {
            result.timedOut(expected, options.runTimeoutSeconds * 1000L);
        }
        return result;
    }

    /** Waits until the job has completed a checkpoint: every task of it is then running, its sinks ready. */
    private void awaitFirstCheckpoint(JobClient client) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest request = HttpRequest.newBuilder(rest.resolve("/jobs/" + client.getJobID() + "/checkpoints")).build();
        Pattern completed = Pattern.compile("\"completed\":(\\d+)");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            Matcher matcher = completed.matcher(response.body());
            if (response.statusCode() == 200 && matcher.find() && Long.parseLong(matcher.group(1)) > 0) {
                return;
            }
            Thread.sleep(200);
        }
        throw new IOException("job " + client.getJobID() + " completed no checkpoint in 120 s");
    }

    /** The broker's append time of the earliest record of the topic, committed or not. */
    private long firstAppendTime(String topic) {
        long first = Long.MAX_VALUE;
        try (KafkaConsumer<byte[], byte[]> consumer = TopicIo.fromBeginning(kafka.bootstrap(), topic, false)) {
            int partitions = consumer.assignment().size();
            Map<Integer, Boolean> heard = new HashMap<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (heard.size() < partitions && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    if (heard.putIfAbsent(record.partition(), true) == null) {
                        first = Math.min(first, record.timestamp());
                    }
                }
            }
        }
        return first;
    }

    /** job-rekey's watermark marks travel with the calls but are not calls: the ceilings write none. */
    private static boolean isMark(ConsumerRecord<byte[], byte[]> record) {
        return record.key() == null || record.key().length == 0;
    }

    /** A run's stitched output against the brute force, one record at a time: every call once, its lists, status OK. */
    static final class OutputCheck {
        private final Workload workload;
        private final BitSet seen = new BitSet();
        private final BitSet doubled = new BitSet();
        private long unknown;
        private long wrong;
        private long notOk;

        OutputCheck(Workload workload) {
            this.workload = workload.prepareCheck();
        }

        void accept(StitchedCall call) {
            Integer position = workload.positions.get(call.getId());
            if (position == null) {
                unknown++;
                return;
            }
            if (seen.get(position)) {
                doubled.set(position);
            }
            seen.set(position);
            if (!workload.parentLists.get(position).equals(call.getParents())
                    || !workload.childLists.get(position).equals(call.getChildren())) {
                wrong++;
            }
            if (call.getStatus() != Status.OK) {
                notOk++;
            }
        }

        String verdict() {
            long missing = workload.calls.size() - seen.cardinality();
            if (missing + doubled.cardinality() + unknown + wrong + notOk == 0) {
                return "equal to the brute force";
            }
            return String.format("DIFFERS from the brute force: %d missing, %d doubled, %d with wrong lists, %d not OK, %d unknown ids",
                    missing, doubled.cardinality(), wrong, notOk, unknown);
        }
    }

    private void report(Workload workload, Map<Contender, List<Result>> results) {
        out.println();
        out.println("Workload " + workload.name + ": " + workload.description);
        out.printf("  %-32s %14s %14s %12s %12s %12s  %s%n", "contender", "calls/s", "records/s", "CPU us/call", "peak heap", "runs", "output");
        for (Map.Entry<Contender, List<Result>> entry : results.entrySet()) {
            List<Result> runs = entry.getValue();
            double callsPerSecond = median(runs, result -> callsPerSecond(entry.getKey(), workload, result));
            double recordsPerSecond = median(runs, result -> inputRecordsPerSecond(entry.getKey(), workload, result));
            double cpuPerCall = median(runs, result -> cpuMicrosPerCall(entry.getKey(), workload, result));
            long heap = (long) median(runs, result -> result.peakHeapBytes);
            String verdicts = runs.stream().map(result -> result.check).distinct().reduce((a, b) -> a + "; " + b).orElse("");
            out.printf("  %-32s %,14.0f %,14.0f %12.1f %9d MB %12d  %s%n", entry.getKey().label, callsPerSecond, recordsPerSecond,
                    cpuPerCall, heap >> 20, runs.size(), verdicts);
        }
        List<Result> pipelines = results.getOrDefault(Contender.PIPELINE, List.of());
        if (!pipelines.isEmpty() && !pipelines.get(0).states.isEmpty()) {
            out.println("  state of the pipeline's jobs (median over the rounds; bytes per call = RocksDB live data / calls buffered):");
            for (int job = 0; job < pipelines.get(0).states.size(); job++) {
                int index = job;
                String gauge = pipelines.get(0).states.get(job).gauge;
                out.printf("    %-14s peak %,10.0f calls buffered, peak checkpoint %,8.1f MB, peak RocksDB live data %,8.1f MB,"
                        + " %,6.0f bytes per buffered call%n", gauge,
                        median(pipelines, result -> result.states.get(index).peakBuffered),
                        median(pipelines, result -> result.states.get(index).peakCheckpointBytes) / 1e6,
                        median(pipelines, result -> result.states.get(index).peakLiveBytes) / 1e6,
                        median(pipelines, result -> result.states.get(index).bytesPerBuffered));
            }
        }
        out.printf("  job-assemble on the heap: %.0f bytes per call in flight (its state record as a checkpoint writes it, with"
                + " its key, over this workload's calls; its deadlines are in no checkpoint)%n", assemblyBytesPerCall(workload));
        out.println("  ratios, each taken inside one round, median over the rounds:");
        ratio(results, workload, Contender.PIPELINE, Contender.CEILING_B, "pipeline / ceiling (b)", false);
        ratio(results, workload, Contender.PIPELINE, Contender.CEILING_A, "pipeline / ceiling (a)", false);
        ratio(results, workload, Contender.PIPELINE, Contender.PEER, "pipeline / intervalJoin peer", false);
        ratio(results, workload, Contender.PIPELINE, Contender.PIPELINE_QUARTER, "pipeline, 4x the calls / 1x", false);
        ratio(results, workload, Contender.PIPELINE, Contender.PIPELINE_SIXTEENTH, "pipeline, 16x the calls / 1x", false);
        ratio(results, workload, Contender.REKEY, Contender.CEILING_A, "job-rekey alone / ceiling (a), records handled", true);
        ratio(results, workload, Contender.CEILING_A_TWICE, Contender.CEILING_A, "(a), each call twice / (a), records handled", true);
        ratio(results, workload, Contender.CEILING_A_KEYED_TWICE, Contender.CEILING_A, "(a), keyed, twice / (a), records handled", true);
        ratio(results, workload, Contender.REKEY, Contender.CEILING_A_KEYED_TWICE, "job-rekey alone / (a), keyed, twice", true);
        ratio(results, workload, Contender.MATCH, Contender.CEILING_A, "job-match alone / ceiling (a), records handled", true);
        ratio(results, workload, Contender.ASSEMBLE, Contender.CEILING_A, "job-assemble alone / ceiling (a), records handled", true);
    }

    /** A call's state in job-assemble after its CHILD piece, serialised as keyed state is: record and key. */
    private static double assemblyBytesPerCall(Workload workload) {
        AvroSerializer<AssemblyState> serializer = new AvroSerializer<>(AssemblyState.class);
        DataOutputSerializer bytes = new DataOutputSerializer(512);
        long total = 0;
        int count = 0;
        try {
            for (Call call : workload.calls.subList(0, Math.min(50_000, workload.calls.size()))) {
                EdgePiece piece = new EdgePiece(call, Role.CHILD, 0L, workload.expected.get(call.getId()).parentList(), 2, false, false,
                        0L, 0, 1, null, null, List.of(), false);
                bytes.clear();
                serializer.serialize(CallAssembly.start(piece, 0), bytes);
                StringSerializer.INSTANCE.serialize(call.getId(), bytes);
                total += bytes.length();
                count++;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return count == 0 ? 0 : (double) total / count;
    }

    private void ratio(Map<Contender, List<Result>> results, Workload workload, Contender top, Contender bottom, String label,
            boolean records) {
        List<Result> tops = results.get(top);
        List<Result> bottoms = results.get(bottom);
        if (tops == null || bottoms == null) {
            return;
        }
        List<Double> ratios = new ArrayList<>();
        // a bottom that timed out wrote too little for a rate: the ratio is then a lower bound
        boolean atLeast = false;
        for (int i = 0; i < Math.min(tops.size(), bottoms.size()); i++) {
            Result bottomResult = bottoms.get(i);
            if (bottomResult.timeoutMs > 0) {
                bottomResult = bottomResult.allWrittenAtTimeout();
                atLeast = true;
            }
            double a = records ? inputRecordsPerSecond(top, workload, tops.get(i)) : callsPerSecond(top, workload, tops.get(i));
            double b = records ? inputRecordsPerSecond(bottom, workload, bottomResult) : callsPerSecond(bottom, workload, bottomResult);
            ratios.add(b == 0 ? 0 : a / b);
        }
        Collections.sort(ratios);
        String prefix = atLeast ? "over " : "";
        out.printf("    %-52s %s%5.2f  (rounds: %s)%s%n", label, prefix, ratios.get(ratios.size() / 2), ratios.stream()
                .map(r -> String.format("%.2f", r)).reduce((x, y) -> x + " " + y).orElse(""),
                atLeast ? "; a lower bound: the bottom timed out, so its rate over all its records was under those records / "
                        + options.runTimeoutSeconds + " s" : "");
    }

    /** Calls through per second: output records, converted to calls where a job writes more than one per call. */
    private static double callsPerSecond(Contender contender, Workload workload, Result result) {
        double perSecond = result.perSecond();
        if (contender == Contender.REKEY || contender == Contender.CEILING_A_TWICE || contender == Contender.CEILING_A_KEYED_TWICE) {
            return perSecond / 2;
        }
        if (contender == Contender.MATCH) {
            return perSecond * workload.calls.size() / workload.pieces;
        }
        return perSecond;
    }

    /** CPU of this JVM (all its jobs, and the reader of the output; not the broker) per call, over the output span. */
    private static double cpuMicrosPerCall(Contender contender, Workload workload, Result result) {
        double calls = callsPerSecond(contender, workload, result) * result.spanMs / 1000.0;
        return calls <= 0 || result.cpuMs < 0 ? 0 : result.cpuMs * 1000.0 / calls;
    }

    /** Input records handled per second: what a job reads, over the span of what it writes. */
    private static double inputRecordsPerSecond(Contender contender, Workload workload, Result result) {
        double calls = callsPerSecond(contender, workload, result);
        switch (contender) {
            case MATCH:
                return calls * 2;
            case ASSEMBLE:
                return calls * workload.pieces / workload.calls.size();
            default:
                return calls;
        }
    }

    @FunctionalInterface
    private interface Figure {
        double of(Result result);
    }

    private static double median(List<Result> runs, Figure figure) {
        List<Double> values = new ArrayList<>();
        for (Result run : runs) {
            values.add(figure.of(run));
        }
        Collections.sort(values);
        return values.get(values.size() / 2);
    }

    private List<String> common(String group) {
        return common(group, List.of());
    }

    /** The flags every job of a run gets, then {@code own}: a job's own {@code --parallelism} replaces the run's. */
    private List<String> common(String group, List<String> own) {
        List<String> flags = LocalPipeline.commonFlags(kafka.bootstrap(), options.checkpointIntervalMs, options.dataDir.resolve("checkpoints"));
        if (!own.contains("--" + KafkaJobOptions.PARALLELISM.name())) {
            // a flag may be given once: the job's own value replaces the run's
            flags.addAll(KafkaJobOptions.PARALLELISM.with(options.parallelism));
        }
        flags.addAll(KafkaJobOptions.START_FROM.with(StartPosition.earliest()));
        flags.addAll(AssembleOptions.GROUP_ID.with(group));
        flags.addAll(own);
        return flags;
    }

    private KafkaJobOptions kafkaOptions(String group) throws Exception {
        return AssembleOptions.parse(common(group).toArray(new String[0]), NO_HELP).kafka;
    }

    /**
     * The settings of job-assemble's flags ({@code --assemble-flags}): ceiling (b)'s counting hop keeps its
     * counters in the state backend job-assemble keeps its calls in (the heap, as deployed), or the ceiling would
     * pay RocksDB for every piece where the pipeline does not (two thirds of the ceiling's CPU, measured).
     */
    private KafkaJobOptions assembleKafkaOptions(String group) throws Exception {
        return AssembleOptions.parse(common(group, options.assembleFlags).toArray(new String[0]), NO_HELP).kafka;
    }

    private RekeyOptions rekeyOptions(String prefix, String input, String output) throws Exception {
        return RekeyOptions.parse(jobArgs(prefix, "rekey", options.rekeyFlags, RekeyOptions.INPUT_TOPIC.with(input),
                RekeyOptions.OUTPUT_TOPIC.with(output), RekeyOptions.DEAD_LETTER_TOPIC), NO_HELP);
    }

    private MatchOptions matchOptions(String prefix, String input, String output) throws Exception {
        return MatchOptions.parse(jobArgs(prefix, "match", options.matchFlags, MatchOptions.INPUT_TOPIC.with(input),
                MatchOptions.OUTPUT_TOPIC.with(output), MatchOptions.DEAD_LETTER_TOPIC), NO_HELP);
    }

    private AssembleOptions assembleOptions(String prefix, String input, String output) throws Exception {
        return AssembleOptions.parse(jobArgs(prefix, "assemble", options.assembleFlags, AssembleOptions.INPUT_TOPIC.with(input),
                AssembleOptions.OUTPUT_TOPIC.with(output), AssembleOptions.DEAD_LETTER_TOPIC), NO_HELP);
    }

    /** A run's own dead-letter topic, beside its other topics. */
    private static String deadLetterTopic(String prefix) {
        return prefix + ".dead-letter";
    }

    /** One job's command line in a run: the run's flags, the job's own, its topics, the run's dead-letter topic. */
    private String[] jobArgs(String prefix, String job, List<String> own, List<String> input, List<String> output,
            Flag<String> deadLetter) {
        List<String> args = common(prefix + "-" + job, own);
        args.addAll(input);
        args.addAll(output);
        args.addAll(deadLetter.with(deadLetterTopic(prefix)));
        return args.toArray(new String[0]);
    }

    private static RekeyOptions.Settings rekeySettings() throws Exception {
        return RekeyOptions.parse(new String[0], NO_HELP).settings;
    }

    /**
     * The peer's raw topic is read with idleness off: under its own backpressure a partition that is not
     * polled for the idle timeout goes idle, the others move the watermark on, and the interval join then
     * drops that partition's calls as late, silently (seen in this benchmark: 61 739 calls with wrong
     * lists of 200 001). callstitch writes such calls LATE instead; here neither has late calls.
     */
    private static RekeyOptions.Settings peerSettings() throws Exception {
        return rekeySettings().withIdleTimeoutMs(Long.MAX_VALUE);
    }

    private static Buckets buckets() throws Exception {
        return MatchOptions.parse(new String[0], NO_HELP).buckets;
    }

    private void createTopics(boolean appendTime, int partitions, String... topics) throws Exception {
        Properties props = new Properties();
        props.setProperty("bootstrap.servers", kafka.bootstrap());
        try (Admin admin = Admin.create(props)) {
            List<NewTopic> fresh = new ArrayList<>();
            for (String topic : topics) {
                NewTopic newTopic = new NewTopic(topic, partitions, (short) 1);
                if (appendTime) {
                    // the broker stamps each record as it appends it: the rate is read off those stamps
                    newTopic.configs(Map.of("message.timestamp.type", "LogAppendTime"));
                }
                fresh.add(newTopic);
            }
            admin.createTopics(fresh).all().get(60, TimeUnit.SECONDS);
            // a topic is usable once every partition has a leader
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            for (String topic : topics) {
                while (!hasLeaders(admin, topic)) {
                    if (System.nanoTime() > deadline) {
                        throw new IOException("topic " + topic + " has no leader after 60 s");
                    }
                    Thread.sleep(100);
                }
            }
        }
    }

    private static boolean hasLeaders(Admin admin, String topic) throws InterruptedException {
        try {
            return admin.describeTopics(List.of(topic)).all().get().get(topic).partitions().stream()
                    .allMatch(partition -> partition.leader() != null);
        } catch (ExecutionException e) {
            // a topic just created is not yet known to every part of the broker
            return false;
        }
    }

    private MiniCluster startFlink() throws Exception {
        Configuration config = new Configuration();
        config.setString(RestOptions.ADDRESS, "127.0.0.1");
        config.setString(RestOptions.BIND_ADDRESS, "127.0.0.1");
        config.setInteger(RestOptions.PORT, options.flinkPort);
        config.setString("state.backend", options.clusterStateBackend);
        config.setString("state.backend.incremental", "true");
        config.setString("state.backend.rocksdb.timer-service.factory", "HEAP");
        config.setString("state.checkpoints.dir", options.dataDir.resolve("checkpoints").toUri().toString());
        config.setString("taskmanager.memory.managed.size", "512m");
        // the REST API caches metrics for 10 s by default: too coarse to see a peak
        config.setString("metrics.fetcher.update-interval", "500");
        config.setString("state.backend.rocksdb.metrics.estimate-live-data-size", "true");
        config.setString("taskmanager.memory.network.min", "128m");
        config.setString("taskmanager.memory.network.max", "128m");
        MiniCluster cluster = new MiniCluster(new MiniClusterConfiguration.Builder().setConfiguration(config)
                .setNumTaskManagers(1).setNumSlotsPerTaskManager(4 * options.parallelism).build());
        cluster.start();
        return cluster;
    }

    private static String loadAverage() {
        try {
            String[] fields = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
            return fields[0] + " " + fields[1] + " " + fields[2];
        } catch (IOException e) {
            return String.format("%.2f", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        }
    }

    /** Removes the benchmark's own data directory from an earlier run; refuses a directory that is not one. */
    private static void wipe(Path dir) throws IOException, UsageException {
        if (!Files.exists(dir)) {
            return;
        }
        if (!Files.exists(dir.resolve("kafka").resolve("server.properties")) && Files.list(dir).findAny().isPresent()) {
            throw new UsageException(dir + " exists but is not a benchmark directory; choose another --data-dir");
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(path);
            }
        }
    }

}
