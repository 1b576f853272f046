package io.callstitch.tools.bench;

import io.callstitch.common.Cli;
import io.callstitch.common.Flag;
import io.callstitch.common.FlagSet;
import io.callstitch.common.KafkaJobOptions;
import io.callstitch.common.StateBackendChoice;
import io.callstitch.common.UsageException;
import io.callstitch.tools.demo.PipelineTopics;
import java.io.PrintStream;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/** The flags of {@code deploy/local/bench-pipeline}. */
public final class BenchOptions {
    /** What one round of the benchmark runs, in this order. */
    enum Contender {
        PIPELINE("callstitch pipeline (3 jobs)"),
        PIPELINE_QUARTER("  the same on 1/4 of the calls"),
        PIPELINE_SIXTEENTH("  the same on 1/16 of the calls"),
        REKEY("job-rekey alone"),
        MATCH("job-match alone"),
        ASSEMBLE("job-assemble alone"),
        CEILING_A("ceiling (a): pass-through"),
        CEILING_A_TWICE("  (a), each call twice"),
        CEILING_A_KEYED_TWICE("  (a), keyed as job-rekey, twice"),
        CEILING_B("ceiling (b): 3 no-op hops"),
        PEER("intervalJoin peer (1 job)");

        final String label;

        Contender(String label) {
            this.label = label;
        }
    }

    public static final Flag<Integer> CALLS = Flag.positiveInt("calls", "400000", "simulated calls of the low workload");
    public static final Flag<Integer> HOT_CALLS = Flag.positiveInt("hot-calls", "40000",
            "simulated calls of the hot workload, where the rule finds hundreds of parents per call");
    public static final Flag<Integer> RUNS = Flag.positiveInt("runs", "3", "rounds; each figure is the median over them");
    public static final Flag<Long> WARMUP_CALLS = Flag.nonNegativeLong("warmup-calls", "50000",
            "before the first round, the pipeline and ceiling (b) once on this many calls of their own, not counted, so that no"
                    + " round pays for the JIT compiling the code the others run compiled; 0 = none");
    public static final Flag<String> WORKLOADS = Flag.text("workloads", "low,hot",
            "low (the simulator at --low-rate) and/or hot (at --hot-rate: the gateway with thousands of calls in flight)");
    public static final Flag<Long> LOW_RATE = Flag.positiveLong("low-rate", "100", "requests per second of the low workload");
    public static final Flag<Long> HOT_RATE = Flag.positiveLong("hot-rate", "20000", "requests per second of the hot workload");
    public static final Flag<String> ONLY = Flag.text("only", "all",
            "contenders to run, comma-separated: " + contenderNames() + " (match and assemble need pipeline)");
    public static final Flag<Long> LATENCY_SECONDS = Flag.nonNegativeLong("latency-seconds", "120",
            "after the rounds, live traffic at half the pipeline's rate for this long, to measure its latency; 0 = none");
    public static final Flag<Integer> PEER_CALLS = Flag.positiveInt("peer-calls", "20000",
            "calls of the same simulation for the intervalJoin peer, which is too slow for the whole workload");
    public static final Flag<Integer> PARALLELISM = Flag.positiveInt("parallelism", "2", "parallelism of every job");
    public static final Flag<Long> CHECKPOINT_INTERVAL_MS = Flag.positiveLong("checkpoint-interval-ms", "2000",
            "checkpoint interval of every job (exactly-once everywhere)");
    public static final Flag<String> STATE_BACKEND = Flag.text("cluster-state-backend", "rocksdb",
            "the local Flink's state.backend (rocksdb or filesystem), for jobs that do not choose their own");
    public static final Flag<String> REKEY_FLAGS = Flag.optionalText("rekey-flags",
            "more flags for job-rekey, space-separated (a --parallelism here replaces the run's)");
    public static final Flag<String> MATCH_FLAGS = Flag.optionalText("match-flags", "more flags for job-match, space-separated");
    public static final Flag<String> ASSEMBLE_FLAGS = Flag.text("assemble-flags",
            String.join(" ", KafkaJobOptions.STATE_BACKEND.with(Flag.cliName(StateBackendChoice.HEAP))),
            "more flags for job-assemble, space-separated; none for no more (then it runs on --cluster-state-backend)");
    public static final Flag<Integer> TOPIC_PARTITIONS = Flag.positiveInt("topic-partitions", Integer.toString(PipelineTopics.PARTITIONS),
            "partitions of every topic but the raw ones (which have " + PipelineTopics.RAW_PARTITIONS + ", as the probes write them)");
    public static final Flag<Integer> KAFKA_PORT = Flag.positiveInt("kafka-port", "19392", "loopback port of the benchmark's broker");
    public static final Flag<Integer> KAFKA_CONTROLLER_PORT = Flag.positiveInt("kafka-controller-port", "19393",
            "loopback port of the broker's KRaft controller");
    public static final Flag<Integer> FLINK_PORT = Flag.positiveInt("flink-port", "18391", "loopback port of the local Flink's REST API");
    public static final Flag<String> DATA_DIR = Flag.text("data-dir", ".local/bench", "broker data and checkpoints (wiped at each start)");
    public static final Flag<Long> SEED = Flag.nonNegativeLong("seed", "7", "seed of the simulated traffic");
    public static final Flag<Long> RUN_TIMEOUT_SECONDS = Flag.positiveLong("run-timeout-seconds", "300",
            "give up on a run that has not written all its records by then");

    public static final FlagSet FLAGS = new FlagSet("bench-pipeline",
            "Measures callstitch against what Kafka and Flink can move on this machine: pre-loads simulated traffic into a\n"
                    + "local broker, then runs, round after round on the same records, the pipeline, each job alone, two ceilings\n"
                    + "of no-op jobs and a one-job intervalJoin peer, checks every stitched output against the brute force, and\n"
                    + "prints a table of medians and ratios (docs/performance.md).",
            List.of(CALLS, HOT_CALLS, RUNS, WARMUP_CALLS, WORKLOADS, LOW_RATE, HOT_RATE, ONLY, LATENCY_SECONDS, PEER_CALLS, PARALLELISM,
                    CHECKPOINT_INTERVAL_MS, STATE_BACKEND, REKEY_FLAGS, MATCH_FLAGS, ASSEMBLE_FLAGS, TOPIC_PARTITIONS, KAFKA_PORT, KAFKA_CONTROLLER_PORT,
                    FLINK_PORT, DATA_DIR, SEED, RUN_TIMEOUT_SECONDS));

    final int calls;
    final int hotCalls;
    final int runs;
    final int warmupCalls;
    final List<String> workloads;
    final long lowRate;
    final long hotRate;
    final List<Contender> contenders;
    final long latencySeconds;
    final int peerCalls;
    final int parallelism;
    final long checkpointIntervalMs;
    final String clusterStateBackend;
    final List<String> rekeyFlags;
    final List<String> matchFlags;
    final List<String> assembleFlags;
    final int topicPartitions;
    final int kafkaPort;
    final int kafkaControllerPort;
    final int flinkPort;
    final Path dataDir;
    final long seed;
    final long runTimeoutSeconds;

    private BenchOptions(FlagSet.Values values) throws UsageException {
        this.calls = values.get(CALLS);
        this.hotCalls = values.get(HOT_CALLS);
        this.runs = values.get(RUNS);
        if (values.get(WARMUP_CALLS) > 10_000_000) {
            throw new UsageException("flag --" + WARMUP_CALLS.name() + " takes at most 10000000 calls, got " + values.get(WARMUP_CALLS));
        }
        this.warmupCalls = (int) (long) values.get(WARMUP_CALLS);
        this.workloads = new ArrayList<>();
        for (String workload : values.get(WORKLOADS).split(",")) {
            if (!workload.equals("low") && !workload.equals("hot")) {
                throw new UsageException("flag --" + WORKLOADS.name() + " takes low and/or hot, got '" + workload + "'");
            }
            workloads.add(workload);
        }
        this.lowRate = values.get(LOW_RATE);
        this.hotRate = values.get(HOT_RATE);
        this.contenders = contenders(values.get(ONLY));
        this.latencySeconds = values.get(LATENCY_SECONDS);
        this.peerCalls = values.get(PEER_CALLS);
        this.parallelism = values.get(PARALLELISM);
        this.checkpointIntervalMs = values.get(CHECKPOINT_INTERVAL_MS);
        this.clusterStateBackend = values.get(STATE_BACKEND);
        if (!clusterStateBackend.equals("rocksdb") && !clusterStateBackend.equals("filesystem")) {
            throw new UsageException("flag --" + STATE_BACKEND.name() + " takes rocksdb or filesystem, got '" + clusterStateBackend + "'");
        }
        this.rekeyFlags = words(values.get(REKEY_FLAGS));
        this.matchFlags = words(values.get(MATCH_FLAGS));
        this.assembleFlags = words(values.get(ASSEMBLE_FLAGS));
        this.topicPartitions = values.get(TOPIC_PARTITIONS);
        this.kafkaPort = values.get(KAFKA_PORT);
        this.kafkaControllerPort = values.get(KAFKA_CONTROLLER_PORT);
        this.flinkPort = values.get(FLINK_PORT);
        if (kafkaPort == kafkaControllerPort || kafkaPort == flinkPort || kafkaControllerPort == flinkPort) {
            throw new UsageException("flags --kafka-port, --kafka-controller-port and --flink-port must differ");
        }
        this.dataDir = Paths.get(values.get(DATA_DIR)).toAbsolutePath();
        this.seed = values.get(SEED);
        this.runTimeoutSeconds = values.get(RUN_TIMEOUT_SECONDS);
    }

    private static List<Contender> contenders(String text) throws UsageException {
        if (text.equals("all")) {
            return Arrays.asList(Contender.values());
        }
        List<Contender> chosen = new ArrayList<>();
        for (String name : text.split(",")) {
            Contender found = null;
            for (Contender contender : Contender.values()) {
                if (Flag.cliName(contender).equals(name)) {
                    found = contender;
                }
            }
            if (found == null) {
                throw new UsageException("flag --" + ONLY.name() + ": no contender '" + name + "' (" + contenderNames() + ")");
            }
            chosen.add(found);
        }
        if ((chosen.contains(Contender.MATCH) || chosen.contains(Contender.ASSEMBLE)) && !chosen.contains(Contender.PIPELINE)) {
            throw new UsageException("flag --" + ONLY.name() + ": match and assemble alone read what the pipeline run wrote; add pipeline");
        }
        chosen.sort(null);
        return chosen;
    }

    private static String contenderNames() {
        return Arrays.stream(Contender.values()).map(Flag::cliName).collect(Collectors.joining(", "));
    }

    private static List<String> words(String text) {
        return text == null || text.isBlank() || text.equals(Flag.NONE) ? List.of() : Arrays.asList(text.trim().split("\\s+"));
    }

    static BenchOptions parse(String[] args, PrintStream helpOut) throws UsageException, Cli.HelpShown {
        return Cli.parse(FLAGS, args, BenchOptions::new, helpOut);
    }

    static BenchOptions parseOrExit(String[] args) {
        return Cli.parseOrExit(FLAGS, args, BenchOptions::new);
    }
}
