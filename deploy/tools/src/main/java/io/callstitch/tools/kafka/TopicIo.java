package io.callstitch.tools.kafka;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.function.Predicate;
import io.callstitch.common.AvroBytes;
import io.callstitch.simulator.KafkaWriter;
import io.callstitch.simulator.ProbeJson;
import io.callstitch.simulator.SendFailure;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Writing raw records the way the probes do, and reading a topic back as a downstream reader would:
 * what the demo and the end-to-end tests do at the two ends of the pipeline.
 */
public final class TopicIo {
    private TopicIo() {}

    /**
     * Writes the records round-robin over the topic's partitions, with no key, as the probes do, then
     * a heartbeat at {@code heartbeatAtMs} into every partition: the traffic's time has passed there.
     */
    public static void produceRoundRobin(String bootstrap, String topic, List<byte[]> records, long heartbeatAtMs) {
        produceRoundRobin(client(bootstrap), topic, records, heartbeatAtMs);
    }

    /** As above, with a client's settings ({@code bootstrap.servers}, SASL, TLS). */
    public static void produceRoundRobin(Properties client, String topic, List<byte[]> records, long heartbeatAtMs) {
        try (KafkaProducer<byte[], byte[]> producer = KafkaWriter.probeProducer(client)) {
            SendFailure failure = new SendFailure();
            int partitions = producer.partitionsFor(topic).size();
            for (int i = 0; i < records.size(); i++) {
                producer.send(new ProducerRecord<>(topic, i % partitions, null, records.get(i)), failure);
            }
            byte[] heartbeat = ProbeJson.heartbeat(heartbeatAtMs).getBytes(StandardCharsets.UTF_8);
            for (int partition = 0; partition < partitions; partition++) {
                producer.send(new ProducerRecord<>(topic, partition, null, heartbeat), failure);
            }
            producer.flush();
            failure.rethrow(topic);
        }
    }

    /**
     * A consumer of every partition of the topic from its first offset, with no group: what a downstream
     * reader sees ({@code readCommitted}), or every record the broker holds.
     */
    public static KafkaConsumer<byte[], byte[]> fromBeginning(String bootstrap, String topic, boolean readCommitted) {
        return fromBeginning(client(bootstrap), topic, readCommitted);
    }

    /** As above, with a client's settings ({@code bootstrap.servers}, SASL, TLS). */
    public static KafkaConsumer<byte[], byte[]> fromBeginning(Properties client, String topic, boolean readCommitted) {
        Properties props = new Properties();
        props.putAll(client);
        props.setProperty("isolation.level", readCommitted ? "read_committed" : "read_uncommitted");
        props.setProperty("enable.auto.commit", "false");
        props.setProperty("max.poll.records", "5000");
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = new ArrayList<>();
        for (PartitionInfo info : consumer.partitionsFor(topic)) {
            partitions.add(new TopicPartition(topic, info.partition()));
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        return consumer;
    }

    /**
     * Reads the topic from the start with read_committed until {@code done} holds for what was read,
     * or the deadline passes; then keeps reading for {@code settle} more, so that a record written
     * twice would be seen too.
     */
    public static <T extends SpecificRecordBase> List<T> readUntil(String bootstrap, String topic, Class<T> type,
            Predicate<List<T>> done, Duration deadline, Duration settle) throws Exception {
        return readUntil(client(bootstrap), topic, type, done, deadline, settle);
    }

    /** As above, with a client's settings ({@code bootstrap.servers}, SASL, TLS). */
    public static <T extends SpecificRecordBase> List<T> readUntil(Properties client, String topic, Class<T> type,
            Predicate<List<T>> done, Duration deadline, Duration settle) throws Exception {
        AvroBytes<T> avro = new AvroBytes<>(type);
        List<T> read = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = fromBeginning(client, topic, true)) {
            long end = System.nanoTime() + deadline.toNanos();
            long settleEnd = Long.MAX_VALUE;
            while (System.nanoTime() < Math.min(end, settleEnd)) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    read.add(avro.decode(record.value()));
                }
                if (settleEnd == Long.MAX_VALUE && done.test(read)) {
                    settleEnd = System.nanoTime() + settle.toNanos();
                }
            }
        }
        return read;
    }

    private static Properties client(String bootstrap) {
        Properties props = new Properties();
        props.setProperty("bootstrap.servers", bootstrap);
        return props;
    }
}
