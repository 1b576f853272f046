package io.callstitch.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import io.callstitch.tools.check.Evaluation;
import io.callstitch.tools.demo.LocalPipeline;
import io.callstitch.tools.demo.PipelineTopics;
import io.callstitch.infra.kafka.LocalKafka;
import io.callstitch.infra.kafka.TopicAdmin;
import io.callstitch.tools.kafka.TopicIo;
import io.callstitch.schema.Status;
import io.callstitch.schema.StitchedCall;
import io.callstitch.simulator.Simulation;
import io.callstitch.simulator.SimulatorConfig;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.util.TestStreamEnvironment;
import org.apache.flink.test.util.MiniClusterWithClientResource;
import org.apache.kafka.clients.admin.AdminClient;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.Appender;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.WriterAppender;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.layout.PatternLayout;
import org.junit.jupiter.api.Test;

/**
 * The pipeline against the local broker started with SASL/SCRAM over TLS ({@code deploy/local/kafka up
 * --security sasl-ssl}): the jobs, given the broker's {@code client.properties} with {@code --kafka-config},
 * stitch exactly; a client without credentials, or with a wrong password, is refused; and no log, of the
 * jobs or of the broker, holds the password.
 */
class SecureBrokerIT {
    private static final Duration DEADLINE = Duration.ofMinutes(2);

    @Test
    void configuredJobsStitchExactlyOverSaslSslAndAClientWithoutCredentialsIsRefused() throws Exception {
        StringWriter logs = new StringWriter();
        Runnable stopCapture = captureLogs(logs);
        LocalKafka.Config config = LocalKafka.Config.defaults(Files.createTempDirectory("callstitch-secure-kafka"), LocalCluster.freePort())
                .withControllerPort(LocalCluster.freePort()).withSecure(true);
        MiniClusterWithClientResource flink = null;
        try (LocalKafka broker = LocalKafka.start(config)) {
            Path clientFile = broker.clientConfigFile().orElseThrow();
            Properties client = broker.clientProperties();
            String password = password(clientFile);

            // no credentials: the TLS handshake comes, SASL never does; a wrong password is refused outright
            Properties anonymous = new Properties();
            anonymous.setProperty("bootstrap.servers", broker.bootstrap());
            anonymous.setProperty("security.protocol", "SSL");
            anonymous.setProperty("ssl.truststore.type", "PKCS12");
            anonymous.setProperty("ssl.truststore.location", client.getProperty("ssl.truststore.location"));
            anonymous.setProperty("ssl.truststore.password", client.getProperty("ssl.truststore.password"));
            assertRefused(anonymous, null);
            Properties wrong = (Properties) client.clone();
            wrong.setProperty("sasl.jaas.config", client.getProperty("sasl.jaas.config").replace(password, "not-the-password"));
            assertRefused(wrong, SaslAuthenticationException.class);

            PipelineTopics topics = PipelineTopics.prefixed("secure");
            for (NewTopic topic : topics.all(4)) {
                TopicAdmin.ensure(client, topic.name(), topic.numPartitions());
            }
            Simulation simulation = Simulation.run(new SimulatorConfig(3000, 100, 31, System.currentTimeMillis() - 120_000, 5000, 2000,
                    0, 0, 0));
            TopicIo.produceRoundRobin(client, topics.raw, simulation.records(), simulation.lastEndMs() + 12_000);

            Configuration flinkConfig = new Configuration();
            flinkConfig.set(TaskManagerOptions.MANAGED_MEMORY_SIZE, MemorySize.parse("64m"));
            flink = new MiniClusterWithClientResource(new MiniClusterResourceConfiguration.Builder()
                    .setConfiguration(flinkConfig).setNumberTaskManagers(1).setNumberSlotsPerTaskManager(8).build());
            flink.before();
            MiniClusterWithClientResource cluster = flink;
            List<String> common = List.of("--bootstrap", broker.bootstrap(), "--parallelism", "2", "--checkpoint-interval-ms", "1000",
                    "--checkpoint-dir", Files.createTempDirectory("callstitch-secure-checkpoints").toUri().toString(),
                    "--kafka-config", clientFile.toString());
            try (LocalPipeline pipeline = LocalPipeline.start(() -> new TestStreamEnvironment(cluster.getMiniCluster(), 2), topics, "secure",
                    common, List.of("--max-out-of-orderness-ms", "2000", "--idle-timeout-ms", "60000"),
                    List.of("--max-latency-ms", "5000"), null)) {
                List<StitchedCall> stitched = TopicIo.readUntil(client, topics.stitched, StitchedCall.class,
                        read -> read.size() >= simulation.calls().size(), DEADLINE, Duration.ofSeconds(3));
                Evaluation evaluation = Evaluation.of(simulation.calls(), stitched, simulation.truthParents());
                assertEquals(simulation.calls().size(), stitched.size(), "every call once");
                assertEquals(0, evaluation.differences, "differences from the rule, e.g. " + evaluation.differenceExamples);
                assertTrue(stitched.stream().allMatch(call -> call.getStatus() == Status.OK));
            }
            stopCapture.run();
            assertTrue(logs.toString().contains("sasl.jaas.config"), "the capture saw the clients' configuration being logged");
            assertFalse(logs.toString().contains(password), "a log line of the jobs holds the client password");
            String brokerLog = Files.readString(broker.logFile(), StandardCharsets.UTF_8);
            assertFalse(brokerLog.contains(password), "the broker's log holds the client password");
        } finally {
            stopCapture.run();
            if (flink != null) {
                flink.after();
            }
        }
    }

    private static String password(Path clientFile) throws Exception {
        Properties props = new Properties();
        try (InputStream in = Files.newInputStream(clientFile)) {
            props.load(in);
        }
        String jaas = props.getProperty("sasl.jaas.config");
        int at = jaas.indexOf("password=\"") + "password=\"".length();
        return jaas.substring(at, jaas.indexOf('"', at));
    }

    /** A client with these settings gets no answer (null: in 10 s) or fails with {@code expected}. */
    private static void assertRefused(Properties settings, Class<? extends Throwable> expected) throws Exception {
        Properties props = (Properties) settings.clone();
        props.setProperty("request.timeout.ms", "5000");
        props.setProperty("default.api.timeout.ms", "10000");
        try (AdminClient admin = AdminClient.create(props)) {
            ExecutionException refused = assertThrows(ExecutionException.class,
                    () -> admin.listTopics().names().get(15, TimeUnit.SECONDS), "the broker answered a client it should refuse");
            if (expected != null) {
                assertTrue(expected.isInstance(refused.getCause()), "refused with " + refused.getCause());
            }
        }
    }

    /**
     * Everything logged at INFO and above, in this JVM (the jobs run in its MiniCluster), into {@code logs};
     * the console keeps showing WARN and above only. Returns what stops the capture.
     */
    private static Runnable captureLogs(StringWriter logs) {
        LoggerContext context = (LoggerContext) org.apache.logging.log4j.LogManager.getContext(false);
        org.apache.logging.log4j.core.config.Configuration config = context.getConfiguration();
        LoggerConfig root = config.getRootLogger();
        Level before = root.getLevel();
        List<Appender> consoles = new ArrayList<>(root.getAppenders().values());
        Appender capture = WriterAppender.createAppender(PatternLayout.newBuilder().withPattern("%m%n").build(), null, logs,
                "capture", false, true);
        capture.start();
        for (Appender console : consoles) {
            root.removeAppender(console.getName());
            root.addAppender(console, Level.WARN, null);
        }
        root.addAppender(capture, Level.INFO, null);
        root.setLevel(Level.INFO);
        context.updateLoggers();
        boolean[] stopped = {false};
        return () -> {
            if (stopped[0]) {
                return;
            }
            stopped[0] = true;
            root.removeAppender("capture");
            root.setLevel(before);
            context.updateLoggers();
            capture.stop();
        };
    }
}
