package io.callstitch.tools.kafka;

import io.callstitch.assemble.AssembleOptions;
import io.callstitch.chains.ChainsOptions;
import io.callstitch.common.Cli;
import io.callstitch.common.Flag;
import io.callstitch.common.FlagSet;
import io.callstitch.common.KafkaJobOptions;
import io.callstitch.common.UsageException;
import io.callstitch.infra.ChildJvm;
import io.callstitch.infra.PidFile;
import io.callstitch.infra.Ports;
import io.callstitch.infra.kafka.LocalKafka;
import io.callstitch.infra.kafka.LocalKafkaException;
import io.callstitch.infra.kafka.TopicAdmin;
import io.callstitch.tools.demo.PipelineTopics;
import io.callstitch.match.MatchOptions;
import io.callstitch.rekey.RekeyOptions;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.admin.AdminClient;

/**
 * {@code deploy/local/kafka up|down|topics|status [flags]}: a local single-node Kafka broker for running
 * callstitch by hand. {@code up} leaves the broker running after this JVM exits; the pid in
 * {@code <data-dir>/broker.pid} lets {@code down} and {@code status} find it again.
 *
 * <p>Exit codes: 0 done (for {@code status}: running), 1 failed (for {@code status}: not running), 2 usage error.
 */
public final class LocalKafkaCli {
    static final String PROGRAM = "deploy/local/kafka";
    static final int EXIT_FAILURE = 1;
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

    static final Flag<Integer> PORT = Flag.of("port", Integer.toString(KafkaJobOptions.LOCAL_BROKER_PORT),
            "broker (PLAINTEXT) port on " + LocalKafka.Config.DEFAULT_HOST, LocalKafkaCli::port);
    static final Flag<Integer> CONTROLLER_PORT = Flag.of("controller-port", Integer.toString((KafkaJobOptions.LOCAL_BROKER_PORT + 1)),
            "KRaft controller port on " + LocalKafka.Config.DEFAULT_HOST, LocalKafkaCli::port);
    static final Flag<String> DATA_DIR = Flag.text("data-dir", ".local/kafka",
            "directory of the broker's data, config, pid file and log, relative to the current directory");
    static final Flag<String> LIB_DIR = Flag.text("lib-dir", LocalKafka.Config.defaultLibDir().toString(),
            "the broker's jars, built by `mvn -q -f deploy/kafka-broker/pom.xml package`");
    static final Flag<String> HEAP = Flag.of("heap", LocalKafka.Config.DEFAULT_HEAP,
            "maximum heap of the broker JVM, as -Xmx takes it", LocalKafka.Config::requireHeap);
    /** Whether clients must authenticate. */
    enum Security {
        /** No authentication: the default for a local run. */
        PLAINTEXT,
        /** SASL/SCRAM over TLS; the client settings are written to client.properties in the data dir. */
        SASL_SSL
    }

    static final Flag<Security> SECURITY = Flag.choice("security", Security.PLAINTEXT,
            "plaintext, or sasl-ssl: clients authenticate with SASL/SCRAM over TLS; their settings (for --kafka-config) go to"
                    + " DATA_DIR/client.properties", Security.class);
    static final Flag<String> KAFKA_CONFIG = Flag.optionalText("kafka-config",
            "properties file of client settings for a secure broker, e.g. DATA_DIR/client.properties of `up --security sasl-ssl`");
    static final Flag<Long> START_TIMEOUT_SECONDS = Flag.positiveLong("start-timeout-seconds", "120",
            "how long the broker may take to answer before up gives up and stops it");
    // the same flag the jobs take, so one value serves both
    static final Flag<String> BOOTSTRAP = KafkaJobOptions.BOOTSTRAP;
    /** A topic flag with this value names no topic: the replay creates only its two output topics. */
    static final String SKIP = Flag.NONE;
    static final Flag<String> RAW_TOPIC = Flag.text("raw-topic", RekeyOptions.INPUT_TOPIC.defaultText(), "topic of raw probe records (job-rekey's input)");
    static final Flag<Integer> RAW_PARTITIONS = Flag.positiveInt("raw-partitions", Integer.toString(PipelineTopics.RAW_PARTITIONS),
            "partitions of the raw topic");
    static final Flag<String> BY_IP_TOPIC = Flag.text("by-ip-topic", RekeyOptions.OUTPUT_TOPIC.defaultText(),
            "topic of calls filed by ip (job-rekey to job-match)");
    static final Flag<String> EDGES_TOPIC = Flag.text("edges-topic", MatchOptions.OUTPUT_TOPIC.defaultText(),
            "topic of edge pieces (job-match to job-assemble)");
    static final Flag<String> STITCHED_TOPIC = Flag.text("stitched-topic", AssembleOptions.OUTPUT_TOPIC.defaultText(),
            "topic of stitched calls (job-assemble's output)");
    static final Flag<String> DEAD_LETTER_TOPIC = Flag.text("dead-letter-topic", RekeyOptions.DEAD_LETTER_TOPIC.defaultText(), "topic of rejected input");
    static final Flag<String> CHAINS_WALK_TOPIC = Flag.text("chains-walk-topic", ChainsOptions.WALK_TOPIC.defaultText(),
            "topic job-chains walks the chains over");
    static final Flag<String> CHAINS_STATS_TOPIC = Flag.text("chains-stats-topic", ChainsOptions.OUTPUT_TOPIC.defaultText(),
            "topic of chain summaries (job-chains' output)");
    static final Flag<String> ZIPKIN_TOPIC = Flag.text("zipkin-topic", PipelineTopics.ZIPKIN, "topic of Zipkin spans (job-chains --zipkin-topic)");
    static final Flag<Integer> PARTITIONS = Flag.positiveInt("partitions", Integer.toString(PipelineTopics.PARTITIONS),
            "partitions of every topic but the raw one");

    /** The subcommands, each with its own flags. */
    enum Command {
        UP("start a broker in the background and print its bootstrap address; does nothing if it already runs",
                List.of(PORT, CONTROLLER_PORT, DATA_DIR, LIB_DIR, HEAP, START_TIMEOUT_SECONDS, SECURITY)),
        DOWN("stop the broker of the data dir (SIGTERM, SIGKILL after " + STOP_TIMEOUT.toSeconds() + " s)",
                List.of(DATA_DIR)),
        TOPICS("create the callstitch topics that do not exist yet (replication factor 1); a topic flag set to none skips that topic",
                List.of(BOOTSTRAP, RAW_TOPIC, RAW_PARTITIONS, BY_IP_TOPIC, EDGES_TOPIC, STITCHED_TOPIC, DEAD_LETTER_TOPIC,
                        CHAINS_WALK_TOPIC, CHAINS_STATS_TOPIC, ZIPKIN_TOPIC, PARTITIONS, KAFKA_CONFIG)),
        STATUS("tell whether the broker of the data dir runs, and list its topics; exit 1 when it does not run",
                List.of(DATA_DIR));

        private final String summary;
        private final List<Flag<?>> flags;

        Command(String summary, List<Flag<?>> flags) {
            this.summary = summary;
            this.flags = flags;
        }

        String cliName() {
            return name().toLowerCase(Locale.ROOT);
        }

        FlagSet flagSet() {
            return new FlagSet(PROGRAM + " " + cliName(), summary, flags);
        }

        static Optional<Command> named(String text) {
            for (Command command : values()) {
                if (command.cliName().equals(text)) {
                    return Optional.of(command);
                }
            }
            return Optional.empty();
        }
    }

    private LocalKafkaCli() {}

    public static void main(String[] args) {
        int exit;
        try {
            exit = run(args, System.out);
        } catch (Cli.HelpShown e) {
            exit = 0;
        } catch (UsageException e) {
            Cli.exitWithUsageError(programOf(args), e.getMessage());
            return;
        } catch (LocalKafkaException e) {
            System.err.println(programOf(args) + ": " + e.getMessage());
            exit = EXIT_FAILURE;
        } catch (IOException e) {
            System.err.println(programOf(args) + ": " + e);
            exit = EXIT_FAILURE;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            System.err.println(programOf(args) + ": interrupted");
            exit = EXIT_FAILURE;
        }
        System.out.flush();
        // AdminClient and process-reaper threads must not keep the exit code from the shell
        System.exit(exit);
    }

    /** Runs one command; its intended output goes to {@code out}. Returns the exit code. */
    static int run(String[] args, PrintStream out) throws UsageException, Cli.HelpShown, IOException, InterruptedException {
        if (args.length == 0) {
            throw new UsageException("missing command: up, down, topics or status");
        }
        if (args[0].equals("--" + FlagSet.HELP) || args[0].equals("-h")) {
            out.print(overview());
            out.flush();
            throw new Cli.HelpShown();
        }
        Command command = Command.named(args[0]).orElseThrow(
                () -> new UsageException("unknown command '" + args[0] + "': expected up, down, topics or status"));
        FlagSet.Values values = Cli.parse(command.flagSet(), Arrays.copyOfRange(args, 1, args.length), v -> v, out);
        switch (command) {
            case UP:
                return up(values, out);
            case DOWN:
                return down(values, out);
            case TOPICS:
                return topics(values, out);
            case STATUS:
                return status(values, out);
            default:
                throw new AssertionError(command);
        }
    }

    private static int up(FlagSet.Values values, PrintStream out) throws IOException, InterruptedException {
        Path dataDir = dataDir(values);
        Optional<ProcessHandle> running = LocalKafka.running(dataDir);
        if (running.isPresent()) {
            out.println("Kafka is already running on " + LocalKafka.bootstrapOf(dataDir) + " (pid " + running.get().pid()
                    + ", data dir " + dataDir + ")");
            return 0;
        }
        LocalKafka.Config config = LocalKafka.Config.defaults(dataDir, values.get(PORT))
                .withLibDir(Path.of(values.get(LIB_DIR)))
                .withControllerPort(values.get(CONTROLLER_PORT))
                .withHeap(values.get(HEAP))
                .withStartTimeout(Duration.ofSeconds(values.get(START_TIMEOUT_SECONDS)))
                .withDetached(true)
                .withSecure(values.get(SECURITY) == Security.SASL_SSL);
        // not closed on purpose: detached, the broker outlives this JVM until `down`
        LocalKafka kafka = LocalKafka.start(config);
        out.println("Kafka is up on " + kafka.bootstrap() + " (pid " + kafka.pid() + ", log " + kafka.logFile() + ")");
        kafka.clientConfigFile().ifPresent(file -> out.println("Clients authenticate with SASL/SCRAM over TLS; their settings: "
                + file + " (give it to every job and tool as --kafka-config)"));
        return 0;
    }

    private static int down(FlagSet.Values values, PrintStream out) throws IOException, InterruptedException {
        Path dataDir = dataDir(values);
        PidFile pidFile = LocalKafka.pidFile(dataDir);
        OptionalLong pid = pidFile.read();
        if (pid.isEmpty()) {
            out.println("Kafka is not running (no " + pidFile.path() + ")");
            return 0;
        }
        Optional<ProcessHandle> broker = LocalKafka.running(dataDir);
        if (broker.isEmpty()) {
            // a live pid that is not this data dir's broker means the broker is gone and the pid was reused
            pidFile.delete();
            out.println("Kafka is not running (pid " + pid.getAsLong() + " is not the broker of " + dataDir
                    + "; removed the stale pid file)");
            return 0;
        }
        if (!ChildJvm.stop(broker.get(), STOP_TIMEOUT)) {
            throw new LocalKafkaException("Kafka broker pid " + pid.getAsLong() + " is still alive after SIGKILL");
        }
        pidFile.deleteIfOwnedBy(pid.getAsLong());
        out.println("Kafka stopped (pid " + pid.getAsLong() + ")");
        return 0;
    }

    private static int topics(FlagSet.Values values, PrintStream out) throws UsageException, InterruptedException {
        int partitions = values.get(PARTITIONS);
        Map<String, Integer> wanted = new LinkedHashMap<>();
        putTopic(wanted, values.get(RAW_TOPIC), values.get(RAW_PARTITIONS));
        for (Flag<String> topic : List.of(BY_IP_TOPIC, EDGES_TOPIC, STITCHED_TOPIC, DEAD_LETTER_TOPIC, CHAINS_WALK_TOPIC,
                CHAINS_STATS_TOPIC, ZIPKIN_TOPIC)) {
            putTopic(wanted, values.get(topic), partitions);
        }
        String bootstrap = values.get(BOOTSTRAP);
        // fail at once instead of an AdminClient retrying, and warning, for half a minute
        if (!Ports.anyListening(bootstrap)) {
            throw new LocalKafkaException("no Kafka broker listens on " + bootstrap + " (start one with `" + PROGRAM + " up`)");
        }
        Properties client = new Properties();
        String clientConfig = values.get(KAFKA_CONFIG);
        if (clientConfig != null) {
            try (InputStream in = Files.newInputStream(Path.of(clientConfig))) {
                client.load(in);
            } catch (IOException e) {
                throw new UsageException("cannot read --" + KAFKA_CONFIG.name() + " " + clientConfig + ": " + e.getMessage());
            }
        }
        client.setProperty("bootstrap.servers", bootstrap);
        AdminClient admin = TopicAdmin.client(client);
        try {
            for (Map.Entry<String, Integer> topic : wanted.entrySet()) {
                boolean created = TopicAdmin.ensure(admin, bootstrap, topic.getKey(), topic.getValue());
                out.println((created ? "created " : "exists  ") + topic.getKey() + " (" + topic.getValue() + " partitions)");
            }
        } finally {
            admin.close(Duration.ofSeconds(5));
        }
        return 0;
    }

    private static int status(FlagSet.Values values, PrintStream out) throws IOException, InterruptedException {
        Path dataDir = dataDir(values);
        Optional<ProcessHandle> broker = LocalKafka.running(dataDir);
        if (broker.isEmpty()) {
            out.println("Kafka is not running (data dir " + dataDir + ")");
            return EXIT_FAILURE;
        }
        long pid = broker.get().pid();
        String bootstrap = LocalKafka.bootstrapOf(dataDir);
        Set<String> topics;
        try {
            topics = TopicAdmin.list(bootstrap);
        } catch (LocalKafkaException e) {
            out.println("Kafka broker pid " + pid + " runs but does not answer on " + bootstrap + ": " + e.getMessage());
            return EXIT_FAILURE;
        }
        out.println("Kafka is running on " + bootstrap + " (pid " + pid + ", data dir " + dataDir + ")");
        out.println("topics: " + (topics.isEmpty() ? "(none)" : String.join(", ", topics)));
        return 0;
    }

    private static void putTopic(Map<String, Integer> wanted, String topic, int partitions) throws UsageException {
        if (topic.equals(SKIP)) {
            return;
        }
        if (wanted.put(topic, partitions) != null) {
            throw new UsageException("topic " + topic + " is named by two topic flags");
        }
    }

    private static Path dataDir(FlagSet.Values values) {
        return Path.of(values.get(DATA_DIR)).toAbsolutePath().normalize();
    }

    private static int port(String text) {
        try {
            return LocalKafka.Config.requirePort(Integer.parseInt(text.trim()));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("must be a port from 1 to 65535, got '" + text + "'");
        }
    }

    /** The program name for messages: with the command when it is a known one. */
    static String programOf(String[] args) {
        return args.length > 0 && Command.named(args[0]).isPresent() ? PROGRAM + " " + args[0] : PROGRAM;
    }

    static String overview() {
        StringBuilder text = new StringBuilder();
        text.append("Usage: ").append(PROGRAM).append(" up|down|topics|status [--flag value ...]\n\n")
                .append("A local single-node Kafka broker (KRaft) for callstitch, in its own JVM.\n\nCommands:\n");
        for (Command command : Command.values()) {
            text.append("  ").append(command.cliName()).append(" ".repeat(8 - command.cliName().length()))
                    .append(command.summary).append('\n');
        }
        text.append("\nRun ").append(PROGRAM).append(" COMMAND --help for the flags of a command.\n");
        return text.toString();
    }
}
