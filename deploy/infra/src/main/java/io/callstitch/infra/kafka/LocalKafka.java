package io.callstitch.infra.kafka;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import io.callstitch.infra.ChildJvm;
import io.callstitch.infra.PidFile;
import io.callstitch.infra.Ports;
import org.apache.kafka.clients.admin.AdminClient;

/**
 * A real single-node Apache Kafka 3.x broker in KRaft mode, running as a child JVM on the jars of
 * {@code deploy/kafka-broker/target/lib}. It is a separate JVM because Kafka 3.x brings Scala 2.13, which
 * cannot share a classpath with Flink 1.12's Scala 2.11 (docs/architecture.md, "Flink 1.12 on Java 17, and the
 * local runtime").
 *
 * <p>{@link #start} formats the data dir (once: a formatted dir is reused with its topics), starts the broker with its
 * output in {@code <data-dir>/broker.log}, writes {@code <data-dir>/broker.pid} and returns when the broker
 * answers an AdminClient. {@link #close} stops it. Unless {@link Config#withDetached detached}, a JVM
 * shutdown hook also stops it, so a test run that ends early leaves no broker behind.
 */
public final class LocalKafka implements AutoCloseable {
    /** The broker's stdout and stderr, in the data dir. */
    public static final String LOG_FILE = "broker.log";
    /** The broker's pid, in the data dir. */
    public static final String PID_FILE = "broker.pid";
    /** The broker JVM's main class: with the data dir's config file, how its process is recognised. */
    public static final String MAIN_CLASS = "kafka.Kafka";
    private static final String FORMAT_LOG_FILE = "format.log";
    private static final String STORAGE_TOOL = "kafka.tools.StorageTool";
    // written by the storage tool into a formatted log dir
    private static final String META_PROPERTIES = "meta.properties";
    private static final String BUILD_HINT = "mvn -q -f deploy/kafka-broker/pom.xml package";
    // how often readiness is polled; each poll is bounded, and the whole wait by Config#startTimeout
    private static final long POLL_INTERVAL_MS = 200;
    private static final Duration ADMIN_PROBE_TIMEOUT = Duration.ofSeconds(3);

    private final Config config;
    private final Process process;
    private final String bootstrap;
    private final BrokerSecurity security;
    private final Thread shutdownHook;
    private boolean closed;

    private LocalKafka(Config config, Process process, BrokerSecurity security, Thread shutdownHook) {
        this.config = config;
        this.process = process;
        this.bootstrap = config.host() + ":" + config.port();
        this.security = security;
        this.shutdownHook = shutdownHook;
    }

    /**
     * Starts a broker and returns once it answers on {@link #bootstrap()}.
     *
     * @throws LocalKafkaException with a one-line message when the jars are missing, a port is taken, or the
     *     broker does not come up within {@link Config#startTimeout()} (the broker is then stopped again)
     */
    public static LocalKafka start(Config config) throws IOException, InterruptedException {
        requireBrokerJars(config.libDir());
        if (!Files.isExecutable(config.java())) {
            throw new LocalKafkaException("no java executable at " + config.java());
        }
        if (config.port() == config.controllerPort()) {
            throw new LocalKafkaException("broker port and controller port must differ, both are " + config.port());
        }
        requireFree(config.host(), config.port(), "broker port");
        requireFree(config.host(), config.controllerPort(), "controller port");

        Files.createDirectories(config.dataDir());
        BrokerSecurity security = config.secure() ? BrokerSecurity.prepare(config.dataDir(), config.java(), config.host()) : null;
        Path serverProperties = BrokerConfigFiles.writeServerProperties(config, security);
        Path log4j = BrokerConfigFiles.writeLog4jProperties(config.dataDir());
        format(config, serverProperties, log4j, security);

        List<String> command = javaCommand(config, config.heap(), log4j);
        command.add(MAIN_CLASS);
        command.add(serverProperties.toString());
        Process process = ChildJvm.start(command, config.dataDir().resolve(LOG_FILE), config.detached());
        Thread hook = null;
        if (!config.detached()) {
            hook = new Thread(() -> stopAndRemovePidFile(process, config), "local-kafka-stop-" + process.pid());
            Runtime.getRuntime().addShutdownHook(hook);
        }
        LocalKafka kafka = new LocalKafka(config, process, security, hook);
        try {
            // written before the wait, so a CLI interrupted while waiting still leaves a broker `down` can find
            pidFile(config.dataDir()).write(process.pid());
            kafka.awaitReady();
            return kafka;
        } catch (Throwable startFailure) {
            try {
                kafka.close();
            } catch (RuntimeException closeFailure) {
                startFailure.addSuppressed(closeFailure);
            }
            throw startFailure;
        }
    }

    /** {@code <data-dir>/broker.pid}: the pid of the broker that serves a data dir. */
    public static PidFile pidFile(Path dataDir) {
        return new PidFile(dataDir.resolve(PID_FILE));
    }

    /**
     * The broker that serves {@code dataDir}, if one runs: the process its pid file names, checked to be a
     * {@value #MAIN_CLASS} JVM on this data dir's server.properties.
     */
    public static Optional<ProcessHandle> running(Path dataDir) {
        return ChildJvm.running(pidFile(dataDir), MAIN_CLASS,
                dataDir.toAbsolutePath().normalize().resolve(BrokerConfigFiles.SERVER_PROPERTIES).toString());
    }

    /** The bootstrap address a broker of {@code dataDir} advertises, from its server.properties. */
    public static String bootstrapOf(Path dataDir) throws IOException {
        return BrokerConfigFiles.readBootstrap(dataDir).orElseThrow(() -> new LocalKafkaException(
                "no PLAINTEXT advertised.listeners in " + dataDir.resolve(BrokerConfigFiles.SERVER_PROPERTIES)));
    }

    /**
     * What a client of this broker needs: {@code bootstrap.servers}, and for a secure broker the SASL and
     * TLS settings of its client user (also in {@link #clientConfigFile()}).
     */
    public Properties clientProperties() {
        Properties props = security == null ? new Properties() : security.clientProperties();
        props.setProperty("bootstrap.servers", bootstrap);
        return props;
    }

    /** For a secure broker, the file of client settings that the jobs take with {@code --kafka-config}. */
    public Optional<Path> clientConfigFile() {
        return security == null ? Optional.empty() : Optional.of(config.dataDir().resolve(BrokerSecurity.CLIENT_PROPERTIES));
    }

    /** {@code host:port} for the clients' {@code bootstrap.servers}. */
    public String bootstrap() {
        return bootstrap;
    }

    /** The pid of the broker JVM. */
    public long pid() {
        return process.pid();
    }

    /** The data dir: server.properties, broker.pid, broker.log and the partition logs under kraft-logs/. */
    public Path dataDir() {
        return config.dataDir();
    }

    /** The broker's output, where to look when something goes wrong. */
    public Path logFile() {
        return config.dataDir().resolve(LOG_FILE);
    }

    /**
     * Creates {@code topic} with {@code partitions} partitions and replication factor 1. Idempotent: returns
     * false when the topic already exists with that many partitions; fails when it exists with another count.
     */
    public boolean createTopic(String topic, int partitions) throws InterruptedException {
        return TopicAdmin.ensure(bootstrap, topic, partitions);
    }

    /**
     * Stops the broker: SIGTERM, then SIGKILL after {@link Config#stopTimeout()}; returns when the process is gone.
     *
     * @throws LocalKafkaException if the process survives even SIGKILL
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (shutdownHook != null) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException e) {
                // the JVM is already shutting down and the hook is stopping the broker
            }
        }
        // an interrupt pending from the caller would cut the clean shutdown short; it is restored afterwards
        boolean interrupted = Thread.interrupted();
        boolean gone;
        try {
            gone = stopAndRemovePidFile(process, config);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        if (!gone) {
            throw new LocalKafkaException("Kafka broker pid " + process.pid() + " is still alive after SIGKILL");
        }
    }

    private void awaitReady() throws InterruptedException {
        Duration timeout = config.startTimeout();
        long deadline = System.nanoTime() + timeout.toNanos();
        AdminClient admin = null;
        try {
            while (true) {
                if (!process.isAlive()) {
                    throw new LocalKafkaException("Kafka broker exited with code " + process.exitValue()
                            + " while starting; " + LogTail.describe(logFile()));
                }
                // the AdminClient only once the port accepts: before that it would log a warning per retry
                if (admin == null && Ports.isListening(config.host(), config.port())) {
                    admin = TopicAdmin.client(clientProperties());
                }
                if (admin != null && TopicAdmin.answers(admin, ADMIN_PROBE_TIMEOUT)) {
                    return;
                }
                if (System.nanoTime() - deadline > 0) {
                    throw new LocalKafkaException("Kafka broker did not answer on " + bootstrap + " within "
                            + timeout.toSeconds() + " s; " + LogTail.describe(logFile()));
                }
                Thread.sleep(POLL_INTERVAL_MS);
            }
        } finally {
            if (admin != null) {
                admin.close(Duration.ZERO);
            }
        }
    }

    private static void format(Config config, Path serverProperties, Path log4j, BrokerSecurity security)
            throws IOException, InterruptedException {
        // a data dir from an earlier run keeps its cluster id and its topics; formatting it again with a new
        // cluster id would fail (Kafka 3.7 checks the id even with --ignore-formatted)
        if (Files.exists(BrokerConfigFiles.logDirs(config.dataDir()).resolve(META_PROPERTIES))) {
            return;
        }
        List<String> command = javaCommand(config, "256m", log4j);
        command.addAll(List.of(STORAGE_TOOL, "format",
                "--cluster-id", ClusterId.random(), "--config", serverProperties.toString()));
        if (security != null) {
            command.addAll(security.formatArguments());
        }
        Path formatLog = config.dataDir().resolve(FORMAT_LOG_FILE);
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(formatLog.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .start();
        if (!process.waitFor(config.startTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
            ChildJvm.stopUninterruptibly(process.toHandle(), Duration.ZERO);
            throw new LocalKafkaException("formatting " + config.dataDir() + " took longer than "
                    + config.startTimeout().toSeconds() + " s; " + LogTail.describe(formatLog));
        }
        if (process.exitValue() != 0) {
            throw new LocalKafkaException("formatting " + config.dataDir() + " failed with exit code "
                    + process.exitValue() + "; " + LogTail.describe(formatLog));
        }
    }

    private static List<String> javaCommand(Config config, String heap, Path log4j) {
        List<String> command = new ArrayList<>();
        command.add(config.java().toString());
        command.add("-Xmx" + heap);
        command.add("-XX:+ExitOnOutOfMemoryError");
        command.add("-Djava.awt.headless=true");
        command.add("-Dlog4j.configuration=" + log4j.toUri());
        command.add("-cp");
        // the JVM expands the wildcard itself: the command line stays short and readable in `ps`
        command.add(config.libDir().resolve("*").toString());
        return command;
    }

    private static void requireBrokerJars(Path libDir) throws IOException {
        boolean found = false;
        if (Files.isDirectory(libDir)) {
            try (Stream<Path> files = Files.list(libDir)) {
                found = files.anyMatch(file -> file.getFileName().toString().startsWith("kafka_2.13-"));
            }
        }
        if (!found) {
            throw new LocalKafkaException("no Kafka broker jars (kafka_2.13-*.jar) in " + libDir
                    + ": build them with `" + BUILD_HINT + "` in the repository root");
        }
    }

    private static boolean stopAndRemovePidFile(Process process, Config config) {
        boolean gone = ChildJvm.stopUninterruptibly(process.toHandle(), config.stopTimeout());
        try {
            pidFile(config.dataDir()).deleteIfOwnedBy(process.pid());
        } catch (RuntimeException e) {
            // a pid file that stays behind is harmless: `down` and `up` check the pid before trusting it
        }
        return gone;
    }

    private static void requireFree(String host, int port, String role) {
        if (!Ports.isFree(host, port)) {
            throw new LocalKafkaException("port " + port + " on " + host + " (" + role + ") is already in use: "
                    + "stop what listens there (another local broker? try `deploy/local/kafka status`) or choose another port");
        }
    }

    /**
     * Where and how to run the broker. Immutable; each {@code with...} returns a changed copy.
     * {@link #defaults(Path, int)} gives the port asked for and the next one for the KRaft controller, on
     * 127.0.0.1, the running JVM's java, and a 512 MB heap. The port is the caller's: which port the local
     * broker has by default is the tools' choice (the jobs' default bootstrap names it), not this class's.
     */
    public static final class Config {
        public static final String DEFAULT_HOST = "127.0.0.1";
        public static final String DEFAULT_HEAP = "512m";
        /** System property naming the broker lib dir; surefire sets it, so do the scripts. */
        public static final String LIBS_PROPERTY = "callstitch.kafka.libs";
        /** The lib dir relative to the repository root. */
        public static final String LIBS_IN_REPO = "deploy/kafka-broker/target/lib";
        private static final Pattern HEAP = Pattern.compile("[0-9]+[kKmMgG]?");

        private final Path libDir;
        private final Path dataDir;
        private final String host;
        private final int port;
        private final int controllerPort;
        private final Path java;
        private final String heap;
        private final Duration startTimeout;
        private final Duration stopTimeout;
        private final boolean detached;
        private final boolean secure;

        private Config(Path libDir, Path dataDir, String host, int port, int controllerPort, Path java, String heap,
                       Duration startTimeout, Duration stopTimeout, boolean detached, boolean secure) {
            this.libDir = libDir.toAbsolutePath().normalize();
            this.dataDir = dataDir.toAbsolutePath().normalize();
            this.host = Objects.requireNonNull(host);
            this.port = requirePort(port);
            this.controllerPort = requirePort(controllerPort);
            this.java = Objects.requireNonNull(java);
            this.heap = requireHeap(heap);
            this.startTimeout = Objects.requireNonNull(startTimeout);
            this.stopTimeout = Objects.requireNonNull(stopTimeout);
            this.detached = detached;
            this.secure = secure;
        }

        /** The defaults, with the broker's files in {@code dataDir}, listening on {@code port}, its controller on the next. */
        public static Config defaults(Path dataDir, int port) {
            return new Config(defaultLibDir(), dataDir, DEFAULT_HOST, port, port + 1,
                    ChildJvm.java(), DEFAULT_HEAP,
                    Duration.ofSeconds(120), Duration.ofSeconds(30), false, false);
        }

        /**
         * The system property {@value #LIBS_PROPERTY} if set; else {@value #LIBS_IN_REPO} under the nearest
         * directory, from the current one upwards, that holds {@code deploy/kafka-broker/pom.xml}; else under
         * the current directory.
         */
        public static Path defaultLibDir() {
            return ChildJvm.located(LIBS_PROPERTY, "deploy/kafka-broker/pom.xml", LIBS_IN_REPO);
        }

        /** Accepts a JVM heap size as {@code -Xmx} takes it, e.g. {@code 512m}; throws otherwise. */
        public static String requireHeap(String heap) {
            if (heap == null || !HEAP.matcher(heap).matches()) {
                throw new IllegalArgumentException("must be a heap size like 512m or 1g, got '" + heap + "'");
            }
            return heap;
        }

        /** Accepts a TCP port number, 1 to 65535; throws otherwise. */
        public static int requirePort(int port) {
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("must be a port from 1 to 65535, got " + port);
            }
            return port;
        }

        public Config withLibDir(Path libDir) {
            return new Config(libDir, dataDir, host, port, controllerPort, java, heap, startTimeout, stopTimeout, detached, secure);
        }

        public Config withDataDir(Path dataDir) {
            return new Config(libDir, dataDir, host, port, controllerPort, java, heap, startTimeout, stopTimeout, detached, secure);
        }

        public Config withHost(String host) {
            return new Config(libDir, dataDir, host, port, controllerPort, java, heap, startTimeout, stopTimeout, detached, secure);
        }

        public Config withPort(int port) {
            return new Config(libDir, dataDir, host, port, controllerPort, java, heap, startTimeout, stopTimeout, detached, secure);
        }

        public Config withControllerPort(int controllerPort) {
            return new Config(libDir, dataDir, host, port, controllerPort, java, heap, startTimeout, stopTimeout, detached, secure);
        }

        /** The java executable of the broker JVM. */
        public Config withJava(Path java) {
            return new Config(libDir, dataDir, host, port, controllerPort, java, heap, startTimeout, stopTimeout, detached, secure);
        }

        /** The broker JVM's maximum heap, as {@code -Xmx} takes it: {@code 512m}, {@code 1g}. */
        public Config withHeap(String heap) {
            return new Config(libDir, dataDir, host, port, controllerPort, java, heap, startTimeout, stopTimeout, detached, secure);
        }

        /** How long formatting and starting may take before {@link LocalKafka#start} gives up. */
        public Config withStartTimeout(Duration startTimeout) {
            return new Config(libDir, dataDir, host, port, controllerPort, java, heap, startTimeout, stopTimeout, detached, secure);
        }

        /** How long a clean shutdown may take before the broker is killed. */
        public Config withStopTimeout(Duration stopTimeout) {
            return new Config(libDir, dataDir, host, port, controllerPort, java, heap, startTimeout, stopTimeout, detached, secure);
        }

        /**
         * Detached: the broker outlives this JVM (own session, no shutdown hook); stop it with {@link LocalKafka#close}
         * or {@code deploy/local/kafka down}. Not detached (the default): a shutdown hook of this JVM stops it.
         */
        public Config withDetached(boolean detached) {
            return new Config(libDir, dataDir, host, port, controllerPort, java, heap, startTimeout, stopTimeout, detached, secure);
        }

        /**
         * Secure: clients must authenticate with SASL/SCRAM over TLS ({@link BrokerSecurity}); the settings they
         * need are in {@code client.properties} in the data dir. Plaintext (the default): no authentication.
         */
        public Config withSecure(boolean secure) {
            return new Config(libDir, dataDir, host, port, controllerPort, java, heap, startTimeout, stopTimeout, detached, secure);
        }

        public boolean secure() {
            return secure;
        }

        public Path libDir() {
            return libDir;
        }

        public Path dataDir() {
            return dataDir;
        }

        public String host() {
            return host;
        }

        public int port() {
            return port;
        }

        public int controllerPort() {
            return controllerPort;
        }

        public Path java() {
            return java;
        }

        public String heap() {
            return heap;
        }

        public Duration startTimeout() {
            return startTimeout;
        }

        public Duration stopTimeout() {
            return stopTimeout;
        }

        public boolean detached() {
            return detached;
        }
    }
}
