package io.callstitch.tools.demo;

import java.io.PrintStream;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import io.callstitch.common.Cli;
import io.callstitch.common.Flag;
import io.callstitch.common.FlagSet;
import io.callstitch.common.KafkaJobOptions;
import io.callstitch.common.UsageException;

/** The flags of the local demo. */
public final class DemoOptions {
    public static final Flag<Integer> KAFKA_PORT = Flag.positiveInt("kafka-port", String.valueOf(KafkaJobOptions.LOCAL_BROKER_PORT),
            "loopback port of the demo's Kafka broker");
    public static final Flag<Integer> KAFKA_CONTROLLER_PORT = Flag.positiveInt("kafka-controller-port",
            String.valueOf((KafkaJobOptions.LOCAL_BROKER_PORT + 1)),
            "loopback port of the broker's KRaft controller");
    public static final Flag<Integer> FLINK_PORT = Flag.positiveInt("flink-port", "18081", "loopback port of the local Flink's web UI and REST API");
    public static final Flag<Integer> ZIPKIN_PORT = Flag.of("zipkin-port", "19411",
            "loopback port of the demo's Zipkin server (UI and API), or 0 to run without Zipkin", DemoOptions::portOrZero);
    public static final Flag<String> DATA_DIR = Flag.text("data-dir", ".local/demo", "where the demo keeps its broker's data (wiped at each start)");
    public static final Flag<Integer> CALLS = Flag.positiveInt("calls", "3000", "simulated calls to send (whole requests)");
    public static final Flag<Long> RATE = Flag.positiveLong("rate", "50", "simulated requests per second (concurrency = rate x latency)");
    public static final Flag<Integer> PARALLELISM = Flag.positiveInt("parallelism", "2", "parallelism of each job");
    public static final Flag<Long> CHECKPOINT_INTERVAL_MS = Flag.positiveLong("checkpoint-interval-ms", "2000",
            "checkpoint interval of each job; each hop's output becomes visible on its checkpoints");
    public static final Flag<Long> SEED = Flag.nonNegativeLong("seed", "1", "seed of the simulated traffic");
    public static final Flag<Long> LINGER_SECONDS = Flag.nonNegativeLong("linger-seconds", "0",
            "keep the broker and the jobs running this long after the results, to look at the web UI");

    public static final FlagSet FLAGS = new FlagSet("demo",
            "Runs callstitch end to end on this machine: a real Kafka broker (KRaft, its own JVM), a local Flink\n"
                    + "running job-rekey, job-match, job-assemble and job-chains as four jobs, simulated traffic written round-robin\n"
                    + "to calls.raw, the stitched calls read back from calls.stitched and evaluated against the rule and the truth,\n"
                    + "chain summaries from chains.stats, and the chains in a local Zipkin server's UI.",
            List.of(KAFKA_PORT, KAFKA_CONTROLLER_PORT, FLINK_PORT, ZIPKIN_PORT, DATA_DIR, CALLS, RATE, PARALLELISM, CHECKPOINT_INTERVAL_MS,
                    SEED, LINGER_SECONDS));

    public final int kafkaPort;
    public final int kafkaControllerPort;
    public final int flinkPort;
    /** 0 for no Zipkin. */
    public final int zipkinPort;
    public final Path dataDir;
    public final int calls;
    public final long rate;
    public final int parallelism;
    public final long checkpointIntervalMs;
    public final long seed;
    public final long lingerSeconds;

    private DemoOptions(FlagSet.Values values) throws UsageException {
        this.kafkaPort = port(values, KAFKA_PORT);
        this.kafkaControllerPort = port(values, KAFKA_CONTROLLER_PORT);
        this.flinkPort = port(values, FLINK_PORT);
        if (kafkaPort == kafkaControllerPort || kafkaPort == flinkPort || kafkaControllerPort == flinkPort) {
            throw new UsageException("flags --kafka-port, --kafka-controller-port and --flink-port must differ");
        }
        this.zipkinPort = values.get(ZIPKIN_PORT);
        if (zipkinPort == kafkaPort || zipkinPort == kafkaControllerPort || zipkinPort == flinkPort) {
            throw new UsageException("flag --zipkin-port must differ from the other ports, got " + zipkinPort);
        }
        this.dataDir = Paths.get(values.get(DATA_DIR));
        this.calls = values.get(CALLS);
        this.rate = values.get(RATE);
        this.parallelism = values.get(PARALLELISM);
        this.checkpointIntervalMs = values.get(CHECKPOINT_INTERVAL_MS);
        this.seed = values.get(SEED);
        this.lingerSeconds = values.get(LINGER_SECONDS);
    }

    private static int port(FlagSet.Values values, Flag<Integer> flag) throws UsageException {
        int port = values.get(flag);
        if (port > 65535) {
            throw new UsageException("flag --" + flag.name() + " must be a port from 1 to 65535, got " + port);
        }
        return port;
    }

    private static Integer portOrZero(String text) {
        int port;
        try {
            port = Integer.parseInt(text);
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("must be a port from 1 to 65535, or 0, got '" + text + "'");
        }
        return port;
    }

    public static DemoOptions parse(String[] args, PrintStream helpOut) throws UsageException, Cli.HelpShown {
        return Cli.parse(FLAGS, args, DemoOptions::new, helpOut);
    }

    static DemoOptions parseOrExit(String[] args) {
        return Cli.parseOrExit(FLAGS, args, DemoOptions::new);
    }
}
