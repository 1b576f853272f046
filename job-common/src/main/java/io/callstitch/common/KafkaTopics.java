package io.callstitch.common;

import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.AdminClient;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/** Looks up topics before a job starts, so a missing topic is one clear line instead of a restart loop. */
public final class KafkaTopics {
    private KafkaTopics() {}

    /**
     * The partition count of {@code topic}, asked with the job's own client settings (SASL, TLS); a
     * {@link UsageException} when the broker or topic cannot be reached.
     */
    public static int partitionCount(KafkaJobOptions options, String topic) throws UsageException {
        String bootstrap = options.bootstrap;
        Properties props = new Properties();
        props.setProperty(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.setProperty(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "15000");
        options.kafkaConfig.applyTo(props, KafkaClientConfig.Client.ADMIN);
        try (AdminClient admin = AdminClient.create(props)) {
            TopicDescription description = admin.describeTopics(List.of(topic)).all()
                    .get(30, TimeUnit.SECONDS).get(topic);
            return description.partitions().size();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                throw new UsageException("topic " + topic + " does not exist on " + bootstrap
                        + " (create it first, e.g. with deploy/local/kafka topics)");
            }
            throw new UsageException("cannot describe topic " + topic + " on " + bootstrap + ": " + e.getCause().getMessage());
        } catch (TimeoutException e) {
            throw new UsageException("no answer from the Kafka broker at " + bootstrap + " within 30 s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UsageException("interrupted while looking up topic " + topic);
        }
    }
}
