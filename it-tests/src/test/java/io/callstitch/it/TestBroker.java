package io.callstitch.it;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import io.callstitch.infra.kafka.LocalKafka;
import org.apache.kafka.clients.admin.AdminClient;
import org.apache.kafka.clients.admin.NewTopic;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.KafkaContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * A real Kafka broker for the end-to-end tests: Testcontainers' KafkaContainer where a Docker engine
 * exists, else the same child-JVM KRaft broker that {@code deploy/local/kafka} starts.
 */
final class TestBroker implements AutoCloseable {
    private final LocalKafka local;
    private final KafkaContainer container;
    private final String bootstrap;

    private TestBroker(LocalKafka local, KafkaContainer container, String bootstrap) {
        this.local = local;
        this.container = container;
        this.bootstrap = bootstrap;
    }

    static TestBroker start() throws Exception {
        if (dockerAvailable()) {
            KafkaContainer container = new KafkaContainer(DockerImageName.parse("confluentinc/cp-kafka:7.5.0")).withKraft();
            container.start();
            return new TestBroker(null, container, container.getBootstrapServers());
        }
        Path dataDir = Files.createTempDirectory("callstitch-it-kafka");
        int[] ports = freePorts();
        LocalKafka local = LocalKafka.start(LocalKafka.Config.defaults(dataDir, ports[0]).withControllerPort(ports[1]));
        return new TestBroker(local, null, local.bootstrap());
    }

    String bootstrap() {
        return bootstrap;
    }

    void createTopics(List<NewTopic> topics) throws Exception {
        Properties props = new Properties();
        props.setProperty("bootstrap.servers", bootstrap);
        try (AdminClient admin = AdminClient.create(props)) {
            admin.createTopics(topics).all().get(60, TimeUnit.SECONDS);
            List<String> names = new ArrayList<>();
            for (NewTopic topic : topics) {
                names.add(topic.name());
            }
            // creation returns before every broker's metadata has the topics: wait until they describe
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (true) {
                try {
                    // and until every partition has a leader, or the first writes are refused
                    boolean led = admin.describeTopics(names).all().get(10, TimeUnit.SECONDS).values().stream()
                            .flatMap(description -> description.partitions().stream())
                            .allMatch(partition -> partition.leader() != null && !partition.leader().isEmpty());
                    if (led) {
                        return;
                    }
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("topics " + names + " have partitions without a leader after 60 s");
                    }
                    Thread.sleep(50);
                } catch (ExecutionException e) {
                    if (System.nanoTime() > deadline) {
                        throw e;
                    }
                    Thread.onSpinWait();
                }
            }
        }
    }

    @Override
    public void close() {
        if (local != null) {
            local.close();
        }
        if (container != null) {
            container.stop();
        }
    }

    private static boolean dockerAvailable() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }

    /** Two distinct free ports: both sockets are held open together, so the ports cannot coincide. */
    private static int[] freePorts() throws Exception {
        try (ServerSocket broker = new ServerSocket(0); ServerSocket controller = new ServerSocket(0)) {
            return new int[] {broker.getLocalPort(), controller.getLocalPort()};
        }
    }
}
