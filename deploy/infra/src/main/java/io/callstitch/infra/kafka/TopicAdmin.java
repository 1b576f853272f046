package io.callstitch.infra.kafka;

import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.AdminClient;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.CreateTopicsOptions;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/** Topic chores against a running broker with the kafka-clients 2.4.1 AdminClient: list, and create if absent. */
public final class TopicAdmin {
    /** How long one admin call may take before it counts as no answer. */
    public static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);
    // single broker: one replica is all there can be
    private static final short REPLICATION_FACTOR = 1;
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

    private TopicAdmin() {}

    public static AdminClient client(String bootstrap) {
        Properties props = new Properties();
        props.setProperty(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        return client(props);
    }

    /** An admin client with {@code base}'s settings (bootstrap, SASL, TLS) and quick retries. */
    public static AdminClient client(Properties base) {
        Properties props = new Properties();
        props.putAll(base);
        props.setProperty(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, Long.toString(CALL_TIMEOUT.toMillis()));
        // a broker that is still starting is retried often rather than after the default backoff of up to 1 s
        props.setProperty(AdminClientConfig.RECONNECT_BACKOFF_MS_CONFIG, "100");
        props.setProperty(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "500");
        props.setProperty(AdminClientConfig.RETRY_BACKOFF_MS_CONFIG, "100");
        return AdminClient.create(props);
    }

    /**
     * Creates {@code topic} with {@code partitions} partitions unless it exists. Returns true when it was created,
     * false when it already existed with that many partitions; fails when it exists with another count.
     */
    public static boolean ensure(String bootstrap, String topic, int partitions) throws InterruptedException {
        Properties props = new Properties();
        props.setProperty(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        return ensure(props, topic, partitions);
    }

    /** As {@link #ensure(String, String, int)}, with a client's settings ({@code bootstrap.servers}, SASL, TLS). */
    public static boolean ensure(Properties client, String topic, int partitions) throws InterruptedException {
        String bootstrap = client.getProperty(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG);
        AdminClient admin = client(client);
        try {
            return ensure(admin, bootstrap, topic, partitions);
        } finally {
            admin.close(CLOSE_TIMEOUT);
        }
    }

    public static boolean ensure(AdminClient admin, String bootstrap, String topic, int partitions) throws InterruptedException {
        try {
            await(admin.createTopics(List.of(new NewTopic(topic, partitions, REPLICATION_FACTOR)),
                    new CreateTopicsOptions().timeoutMs(timeoutMs())).all(), "create topic " + topic, bootstrap);
            awaitDescribable(admin, bootstrap, topic);
            return true;
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new LocalKafkaException("cannot create topic " + topic + " on " + bootstrap + ": " + e.getCause().getMessage(), e);
            }
        }
        int existing;
        try {
            existing = await(admin.describeTopics(List.of(topic), new DescribeTopicsOptions().timeoutMs(timeoutMs())).all(),
                    "describe topic " + topic, bootstrap).get(topic).partitions().size();
        } catch (ExecutionException e) {
            throw new LocalKafkaException("cannot describe topic " + topic + " on " + bootstrap + ": " + e.getCause().getMessage(), e);
        }
        if (existing != partitions) {
            throw new LocalKafkaException("topic " + topic + " already exists on " + bootstrap + " with " + existing
                    + " partitions, not " + partitions + " (delete it, or ask for " + existing + ")");
        }
        return false;
    }

    /**
     * Creation is acknowledged once the controller has committed it; the broker serves the topic a moment later.
     * Waiting here lets a caller produce at once without meeting UNKNOWN_TOPIC_OR_PARTITION.
     */
    private static void awaitDescribable(AdminClient admin, String bootstrap, String topic) throws InterruptedException {
        long deadline = System.nanoTime() + CALL_TIMEOUT.toNanos();
        while (true) {
            try {
                await(admin.describeTopics(List.of(topic), new DescribeTopicsOptions().timeoutMs(timeoutMs())).all(),
                        "describe topic " + topic, bootstrap);
                return;
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException) || System.nanoTime() - deadline > 0) {
                    throw new LocalKafkaException("topic " + topic + " was created on " + bootstrap
                            + " but cannot be described: " + e.getCause().getMessage(), e);
                }
                Thread.sleep(50);
            }
        }
    }

    /** The names of the topics on the broker, internal ones left out, sorted. */
    public static Set<String> list(String bootstrap) throws InterruptedException {
        AdminClient admin = client(bootstrap);
        try {
            return new TreeSet<>(await(admin.listTopics(new ListTopicsOptions().timeoutMs(timeoutMs())).names(), "list topics", bootstrap));
        } catch (ExecutionException e) {
            throw new LocalKafkaException("cannot list topics on " + bootstrap + ": " + e.getCause().getMessage(), e);
        } finally {
            admin.close(CLOSE_TIMEOUT);
        }
    }

    /** True when the broker answers a topic listing within {@code timeout}: it is up and serves metadata. */
    public static boolean answers(AdminClient admin, Duration timeout) throws InterruptedException {
        try {
            admin.listTopics(new ListTopicsOptions().timeoutMs((int) timeout.toMillis())).names()
                    .get(timeout.toMillis() + 500, TimeUnit.MILLISECONDS);
            return true;
        } catch (ExecutionException | TimeoutException e) {
            return false;
        }
    }

    private static int timeoutMs() {
        return (int) CALL_TIMEOUT.toMillis();
    }

    private static <T> T await(KafkaFuture<T> future, String what, String bootstrap)
            throws ExecutionException, InterruptedException {
        try {
            // a little past the call's own timeout, so the broker's answer (or the client's timeout error) wins
            return future.get(CALL_TIMEOUT.toMillis() + 5_000, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new LocalKafkaException("no answer from the Kafka broker at " + bootstrap + " to " + what
                    + " within " + CALL_TIMEOUT.toSeconds() + " s", e);
        }
    }
}
