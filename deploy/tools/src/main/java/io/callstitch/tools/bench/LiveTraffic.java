package io.callstitch.tools.bench;

import io.callstitch.schema.Call;
import io.callstitch.simulator.KafkaWriter;
import io.callstitch.simulator.ProbeJson;
import io.callstitch.simulator.SendFailure;
import io.callstitch.simulator.Simulation;
import io.callstitch.simulator.SimulatorConfig;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Traffic at a higher rate with the same shape: several copies of one simulated system side by side,
 * each with ips and ids of its own (copy {@code k} moves the first octet of every ip up by {@code k} and
 * prefixes its ids with {@code tk-}), so the calls per second grow while every ip's concurrency, and so
 * the number of edges per call, stay those of one system. Sent live: each record once its call has
 * ended by the wall clock, in each copy's own delivery order.
 */
public final class LiveTraffic {
    private static final Pattern ID = Pattern.compile("\"id\":\"([^\"]+)\"");

    public final List<Call> calls = new ArrayList<>();
    public final long lastEndMs;
    private final List<List<Sent>> copies = new ArrayList<>();

    /** One record to send, and when. */
    private static final class Sent {
        final String id;
        final long endMs;
        final byte[] record;

        Sent(String id, long endMs, byte[] record) {
            this.id = id;
            this.endMs = endMs;
            this.record = record;
        }
    }

    private LiveTraffic(long lastEndMs) {
        this.lastEndMs = lastEndMs;
    }

    public static LiveTraffic of(int copies, int callsPerCopy, long rate, long seed, long originMs, long maxLatencyMs, long disorderMs) {
        List<Simulation> simulations = new ArrayList<>();
        long lastEnd = Long.MIN_VALUE;
        for (int copy = 0; copy < copies; copy++) {
            Simulation simulation = Simulation.run(new SimulatorConfig(callsPerCopy, rate, seed + copy, originMs, maxLatencyMs,
                    disorderMs, 0, 0, 0));
            simulations.add(simulation);
            lastEnd = Math.max(lastEnd, simulation.lastEndMs());
        }
        LiveTraffic traffic = new LiveTraffic(lastEnd);
        for (int copy = 0; copy < copies; copy++) {
            Map<String, Call> byId = new HashMap<>();
            for (Call call : simulations.get(copy).calls()) {
                Call moved = new Call("t" + copy + "-" + call.getId(), move(call.getSrcIp(), copy), move(call.getDstIp(), copy),
                        call.getStartAtMs(), call.getLatencyMsec(), call.getEndAtMs());
                traffic.calls.add(moved);
                byId.put(call.getId(), moved);
            }
            List<Sent> sent = new ArrayList<>();
            for (byte[] record : simulations.get(copy).records()) {
                Matcher matcher = ID.matcher(new String(record, StandardCharsets.UTF_8));
                if (!matcher.find()) {
                    throw new IllegalStateException("a simulated record without an id");
                }
                String id = matcher.group(1);
                Call moved = byId.get(id);
                sent.add(new Sent(moved.getId(), moved.getEndAtMs(), ProbeJson.write(moved).getBytes(StandardCharsets.UTF_8)));
            }
            traffic.copies.add(sent);
        }
        return traffic;
    }

    private static String move(String ip, int copy) {
        int dot = ip.indexOf('.');
        return (Integer.parseInt(ip.substring(0, dot)) + copy) + ip.substring(dot);
    }

    /**
     * Sends the copies merged by end time, each in its own order, round-robin over the partitions, then a
     * heartbeat at {@code heartbeatAtMs} into every partition; notes each call's send time.
     */
    public void send(String bootstrap, String topic, Map<String, Long> sentAt, long heartbeatAtMs) {
        PriorityQueue<int[]> heads = new PriorityQueue<>((a, b) -> Long.compare(copies.get(a[0]).get(a[1]).endMs,
                copies.get(b[0]).get(b[1]).endMs));
        for (int copy = 0; copy < copies.size(); copy++) {
            if (!copies.get(copy).isEmpty()) {
                heads.add(new int[] {copy, 0});
            }
        }
        SendFailure failure = new SendFailure();
        try (KafkaProducer<byte[], byte[]> producer = KafkaWriter.probeProducer(bootstrap)) {
            int partitions = producer.partitionsFor(topic).size();
            long i = 0;
            while (!heads.isEmpty()) {
                int[] head = heads.poll();
                Sent next = copies.get(head[0]).get(head[1]);
                long wait = next.endMs - System.currentTimeMillis();
                if (wait > 0) {
                    Thread.sleep(wait);
                }
                sentAt.put(next.id, System.currentTimeMillis());
                producer.send(new ProducerRecord<>(topic, (int) (i++ % partitions), null, next.record), failure);
                if (head[1] + 1 < copies.get(head[0]).size()) {
                    heads.add(new int[] {head[0], head[1] + 1});
                }
            }
            byte[] heartbeat = ProbeJson.heartbeat(heartbeatAtMs).getBytes(StandardCharsets.UTF_8);
            for (int partition = 0; partition < partitions; partition++) {
                producer.send(new ProducerRecord<>(topic, partition, null, heartbeat), failure);
            }
            producer.flush();
            failure.rethrow(topic);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
