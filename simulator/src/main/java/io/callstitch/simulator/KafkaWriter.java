package io.callstitch.simulator;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Writes records as the probes do: no key, round-robin over the topic's partitions, at a target rate,
 * with a progress line about once a second; then a heartbeat into every partition.
 */
public final class KafkaWriter {
    private KafkaWriter() {}

    /**
     * A producer that keeps the order records are sent in, as a probe fleet's delivery order: one
     * request in flight, idempotent, every write acknowledged by all replicas.
     */
    public static KafkaProducer<byte[], byte[]> probeProducer(String bootstrap) {
        Properties client = new Properties();
        client.setProperty("bootstrap.servers", bootstrap);
        return probeProducer(client);
    }

    /** As {@link #probeProducer(String)}, with a client's settings: {@code bootstrap.servers}, and SASL and TLS where the broker asks. */
    public static KafkaProducer<byte[], byte[]> probeProducer(Properties client) {
        Properties props = new Properties();
        props.putAll(client);
        props.setProperty("acks", "all");
        // a retried batch must not land behind later ones: the delivery order is part of the test traffic.
        // One request in flight: with more, a batch refused by a partition whose leader is still being
        // elected puts the idempotent producer's later batches out of sequence, and it can stall until
        // they expire
        props.setProperty("enable.idempotence", "true");
        props.setProperty("max.in.flight.requests.per.connection", "1");
        props.setProperty("linger.ms", "5");
        return new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
    }

    /**
     * @param recordsPerSecond 0 writes as fast as the broker takes them
     * @param heartbeatAtMs the time of the closing heartbeat in every partition
     */
    public static void write(String bootstrap, String topic, List<byte[]> records, long recordsPerSecond, long heartbeatAtMs,
            PrintStream progress) throws InterruptedException {
        try (KafkaProducer<byte[], byte[]> producer = probeProducer(bootstrap)) {
            SendFailure failure = new SendFailure();
            int partitions = producer.partitionsFor(topic).size();
            long began = System.nanoTime();
            long lastReport = began;
            for (int i = 0; i < records.size(); i++) {
                producer.send(new ProducerRecord<>(topic, i % partitions, null, records.get(i)), failure);
                if (recordsPerSecond > 0) {
                    // pace by the schedule, not by sleeping a fixed time per record
                    long due = began + (long) (i * 1e9 / recordsPerSecond);
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                    }
                }
                long now = System.nanoTime();
                if (now - lastReport >= 1_000_000_000L) {
                    lastReport = now;
                    progress.printf("simulate: %d of %d records sent (%.0f/s)%n", i + 1, records.size(), (i + 1) / ((now - began) / 1e9));
                }
            }
            byte[] heartbeat = ProbeJson.heartbeat(heartbeatAtMs).getBytes(StandardCharsets.UTF_8);
            for (int partition = 0; partition < partitions; partition++) {
                producer.send(new ProducerRecord<>(topic, partition, null, heartbeat), failure);
            }
            producer.flush();
            failure.rethrow(topic);
        }
    }
}
