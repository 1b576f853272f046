package io.callstitch.infra.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Starts a real broker JVM from {@code deploy/kafka-broker/target/lib} (surefire passes its path). Without
 * those jars the tests fail, on purpose, with the command that builds them.
 */
class LocalKafkaIT {
    private static final String TOPIC = "local-kafka-test";
    private static final Duration CONSUME_DEADLINE = Duration.ofSeconds(60);

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void servesATransactionToAReadCommittedConsumerAndIsGoneAfterClose(@TempDir Path dataDir) throws Exception {
        int[] ports = FreePorts.two();
        LocalKafka kafka = LocalKafka.start(LocalKafka.Config.defaults(dataDir, ports[0]).withControllerPort(ports[1]));
        long pid = kafka.pid();
        try {
            assertEquals("127.0.0.1:" + ports[0], kafka.bootstrap());
            assertTrue(Files.exists(LocalKafka.pidFile(dataDir).path()), "pid file written");

            assertTrue(kafka.createTopic(TOPIC, 5), "created");
            assertFalse(kafka.createTopic(TOPIC, 5), "second create with the same partitions is a no-op");
            LocalKafkaException mismatch = assertThrows(LocalKafkaException.class, () -> kafka.createTopic(TOPIC, 3));
            assertTrue(mismatch.getMessage().contains("with 5 partitions, not 3"), mismatch.getMessage());

            produceInTransaction(kafka.bootstrap(), "id1", "hello");
            List<ConsumerRecord<String, String>> records = consumeCommitted(kafka.bootstrap(), 1);
            assertEquals(1, records.size());
            assertEquals("id1", records.get(0).key());
            assertEquals("hello", records.get(0).value());
        } finally {
            kafka.close();
        }
        assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "broker pid " + pid + " still alive");
        assertFalse(Files.exists(LocalKafka.pidFile(dataDir).path()), "pid file removed");
    }

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void restartOnTheSameDataDirKeepsItsTopics(@TempDir Path dataDir) throws Exception {
        int[] ports = FreePorts.two();
        LocalKafka.Config config = LocalKafka.Config.defaults(dataDir, ports[0]).withControllerPort(ports[1]);
        try (LocalKafka first = LocalKafka.start(config)) {
            assertTrue(first.createTopic(TOPIC, 2));
        }
        try (LocalKafka second = LocalKafka.start(config)) {
            assertFalse(second.createTopic(TOPIC, 2), "the topic survived the restart");
        }
    }

    @Test
    void missingJarsFailWithTheCommandThatBuildsThem(@TempDir Path dataDir) throws Exception {
        LocalKafka.Config config = LocalKafka.Config.defaults(dataDir, FreePorts.two()[0]).withLibDir(dataDir.resolve("no-such-lib"));
        LocalKafkaException e = assertThrows(LocalKafkaException.class, () -> LocalKafka.start(config));
        assertTrue(e.getMessage().contains("mvn -q -f deploy/kafka-broker/pom.xml package"), e.getMessage());
    }

    @Test
    void takenPortFailsBeforeAnythingStarts(@TempDir Path dataDir) throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName(LocalKafka.Config.DEFAULT_HOST))) {
            int[] ports = FreePorts.two();
            LocalKafka.Config config = LocalKafka.Config.defaults(dataDir, taken.getLocalPort()).withControllerPort(ports[1]);
            LocalKafkaException e = assertThrows(LocalKafkaException.class, () -> LocalKafka.start(config));
            assertTrue(e.getMessage().contains("port " + taken.getLocalPort() + " on 127.0.0.1 (broker port) is already in use"),
                    e.getMessage());
            assertFalse(Files.exists(LocalKafka.pidFile(dataDir).path()), "no broker was started");
        }
    }

    private static void produceInTransaction(String bootstrap, String key, String value) {
        Properties props = new Properties();
        props.setProperty(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.setProperty(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "local-kafka-test-tx");
        props.setProperty(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(TOPIC, key, value));
            producer.commitTransaction();
        }
    }

    private static List<ConsumerRecord<String, String>> consumeCommitted(String bootstrap, int expected) {
        Properties props = new Properties();
        props.setProperty(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.setProperty(ConsumerConfig.GROUP_ID_CONFIG, "local-kafka-test");
        props.setProperty(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.setProperty(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<ConsumerRecord<String, String>> records = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(TOPIC));
            long deadline = System.nanoTime() + CONSUME_DEADLINE.toNanos();
            while (records.size() < expected && System.nanoTime() - deadline < 0) {
                consumer.poll(Duration.ofMillis(500)).forEach(records::add);
            }
        }
        return records;
    }
}
