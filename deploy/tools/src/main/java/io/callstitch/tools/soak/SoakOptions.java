package io.callstitch.tools.soak;

import java.io.PrintStream;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import io.callstitch.common.Cli;
import io.callstitch.common.Flag;
import io.callstitch.common.FlagSet;
import io.callstitch.common.UsageException;

/** The flags of {@code deploy/local/soak}. */
final class SoakOptions {
    static final Flag<Long> MINUTES = Flag.positiveLong("minutes", "10", "how long the live traffic runs");
    static final Flag<Long> CALLS_PER_SECOND = Flag.positiveLong("calls-per-second", "300", "the live traffic's rate");
    static final Flag<Long> SAMPLE_SECONDS = Flag.positiveLong("sample-seconds", "5", "how often every figure is sampled");
    static final Flag<Integer> PARALLELISM = Flag.positiveInt("parallelism", "2", "parallelism of each job");
    static final Flag<Long> CHECKPOINT_INTERVAL_MS = Flag.positiveLong("checkpoint-interval-ms", "10000",
            "checkpoint interval of every job (the jobs' default)");
    static final Flag<Integer> KAFKA_PORT = Flag.positiveInt("kafka-port", "19692", "loopback port of the soak's Kafka broker");
    static final Flag<Integer> KAFKA_CONTROLLER_PORT = Flag.positiveInt("kafka-controller-port", "19693",
            "loopback port of the broker's KRaft controller");
    static final Flag<Integer> FLINK_PORT = Flag.positiveInt("flink-port", "18691", "loopback port of the local Flink's web UI and REST API");
    static final Flag<String> DATA_DIR = Flag.text("data-dir", ".local/soak",
            "where the broker, the checkpoints and the results go (wiped at each start)");
    static final Flag<String> PLOT = Flag.text("plot", "auto", "PNG to render the samples into; auto: DATA_DIR/soak.png");
    static final Flag<String> FROM_CSV = Flag.optionalText("from-csv",
            "run nothing: print the table and render the plot of an earlier run's soak.csv");
    static final Flag<String> TITLE = Flag.text("title", "auto", "the plot's title; auto: what ran");
    static final Flag<Long> SEED = Flag.nonNegativeLong("seed", "5", "seed of the simulated traffic");

    static final FlagSet FLAGS = new FlagSet("soak",
            "The pipeline (job-rekey, job-match, job-assemble on a local Flink with RocksDB, a local broker) under steady live\n"
                    + "simulator traffic; every few seconds it samples each job's buffered calls, checkpoint size and duration,\n"
                    + "RocksDB live data and the TaskManager's heap, then checks the output against the brute force, prints a\n"
                    + "table of the first and last thirds and renders the samples to a PNG.",
            List.of(MINUTES, CALLS_PER_SECOND, SAMPLE_SECONDS, PARALLELISM, CHECKPOINT_INTERVAL_MS, KAFKA_PORT, KAFKA_CONTROLLER_PORT,
                    FLINK_PORT, DATA_DIR, PLOT, SEED, FROM_CSV, TITLE));

    final long minutes;
    final long callsPerSecond;
    final long sampleSeconds;
    final int parallelism;
    final long checkpointIntervalMs;
    final int kafkaPort;
    final int kafkaControllerPort;
    final int flinkPort;
    final Path dataDir;
    final Path plot;
    final long seed;
    /** Null: run a soak. */
    final Path fromCsv;
    /** Null: say what ran. */
    final String title;

    private SoakOptions(FlagSet.Values values) throws UsageException {
        this.minutes = values.get(MINUTES);
        this.callsPerSecond = values.get(CALLS_PER_SECOND);
        this.sampleSeconds = values.get(SAMPLE_SECONDS);
        this.parallelism = values.get(PARALLELISM);
        this.checkpointIntervalMs = values.get(CHECKPOINT_INTERVAL_MS);
        this.kafkaPort = values.get(KAFKA_PORT);
        this.kafkaControllerPort = values.get(KAFKA_CONTROLLER_PORT);
        this.flinkPort = values.get(FLINK_PORT);
        this.dataDir = Paths.get(values.get(DATA_DIR)).toAbsolutePath();
        String plot = values.get(PLOT);
        this.plot = plot.equals("auto") ? dataDir.resolve("soak.png") : Paths.get(plot).toAbsolutePath();
        this.seed = values.get(SEED);
        this.title = values.get(TITLE).equals("auto") ? null : values.get(TITLE);
        String fromCsv = values.get(FROM_CSV);
        this.fromCsv = fromCsv == null ? null : Paths.get(fromCsv).toAbsolutePath();
        if (this.fromCsv != null && !java.nio.file.Files.isReadable(this.fromCsv)) {
            throw new UsageException("cannot read --" + FROM_CSV.name() + " " + fromCsv);
        }
        if (minutes * 60 * callsPerSecond > 5_000_000) {
            throw new UsageException("flags --minutes and --calls-per-second ask for more than 5 000 000 calls; the soak keeps them all"
                    + " to check the output");
        }
    }

    static SoakOptions parse(String[] args, PrintStream helpOut) throws UsageException, Cli.HelpShown {
        return Cli.parse(FLAGS, args, SoakOptions::new, helpOut);
    }

    static SoakOptions parseOrExit(String[] args) {
        return Cli.parseOrExit(FLAGS, args, SoakOptions::new);
    }
}
