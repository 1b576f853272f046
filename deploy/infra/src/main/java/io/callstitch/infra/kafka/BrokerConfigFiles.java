package io.callstitch.infra.kafka;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

/**
 * The files a single-node KRaft broker reads from its data dir: {@code server.properties} and the
 * {@code log4j.properties} of its JVM.
 */
final class BrokerConfigFiles {
    static final String SERVER_PROPERTIES = "server.properties";
    static final String LOG4J_PROPERTIES = "log4j.properties";
    private static final String LOG_DIRS = "kraft-logs";
    private static final String ADVERTISED_LISTENERS = "advertised.listeners";

    private BrokerConfigFiles() {}

    /**
     * Writes {@code server.properties} for the config into its data dir and returns its path.
     *
     * @param security null for a plaintext listener; else SASL_SSL with its settings
     */
    static Path writeServerProperties(LocalKafka.Config config, BrokerSecurity security) throws IOException {
        String host = config.host();
        String listener = security == null ? "PLAINTEXT" : "SASL_SSL";
        List<String> lines = new ArrayList<>(List.of(
                "# written by io.callstitch.infra.kafka.LocalKafka on every start; edits are overwritten",
                "process.roles=broker,controller",
                "node.id=1",
                "controller.quorum.voters=1@" + host + ":" + config.controllerPort(),
                "listeners=" + listener + "://" + host + ":" + config.port() + ",CONTROLLER://" + host + ":" + config.controllerPort(),
                ADVERTISED_LISTENERS + "=" + listener + "://" + host + ":" + config.port(),
                "inter.broker.listener.name=" + listener,
                "controller.listener.names=CONTROLLER",
                "listener.security.protocol.map=CONTROLLER:PLAINTEXT," + listener + ":" + listener,
                "log.dirs=" + logDirs(config.dataDir()),
                "num.partitions=1",
                // one broker: the internal topics cannot have more replicas than that
                "offsets.topic.replication.factor=1",
                "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1",
                // the jobs' producers use a 10 min transaction timeout; the broker must allow more than that
                "transaction.max.timeout.ms=900000",
                // tests and local runs start one consumer at a time; waiting for more group members only adds latency
                "group.initial.rebalance.delay.ms=0",
                // a typo in a topic flag must fail, not silently create an empty single-partition topic
                "auto.create.topics.enable=false"));
        if (security != null) {
            lines.addAll(security.serverProperties());
        }
        lines.add("");
        Path file = config.dataDir().resolve(SERVER_PROPERTIES);
        if (security != null) {
            // it holds the store and broker passwords
            Files.deleteIfExists(file);
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        }
        Files.write(file, String.join("\n", lines).getBytes(StandardCharsets.UTF_8));
        return file;
    }

    /** Where the broker keeps its partitions and the KRaft metadata log. */
    static Path logDirs(Path dataDir) {
        return dataDir.resolve(LOG_DIRS);
    }

    /** Writes the broker JVM's log4j 1 config: everything to stdout, which the launcher sends to the log file. */
    static Path writeLog4jProperties(Path dataDir) throws IOException {
        String text = String.join("\n",
                "log4j.rootLogger=INFO, stdout",
                "log4j.appender.stdout=org.apache.log4j.ConsoleAppender",
                "log4j.appender.stdout.layout=org.apache.log4j.PatternLayout",
                "log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n",
                // per-request and per-partition state logs would drown the lines that explain a failure
                "log4j.logger.kafka.request.logger=WARN",
                "log4j.logger.state.change.logger=WARN",
                "log4j.logger.kafka.log.LogCleaner=WARN",
                "");
        Path file = dataDir.resolve(LOG4J_PROPERTIES);
        Files.write(file, text.getBytes(StandardCharsets.UTF_8));
        return file;
    }

    /** The bootstrap address a data dir's broker was last started with, read back from its server.properties. */
    static Optional<String> readBootstrap(Path dataDir) throws IOException {
        Path file = dataDir.resolve(SERVER_PROPERTIES);
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        Properties properties = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            properties.load(in);
        }
        String advertised = properties.getProperty(ADVERTISED_LISTENERS, "");
        int scheme = advertised.indexOf("://");
        return scheme > 0 ? Optional.of(advertised.substring(scheme + 3)) : Optional.empty();
    }
}
