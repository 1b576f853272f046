package io.callstitch.simulator;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import io.callstitch.schema.Call;

/**
 * Runs the {@link SystemModel}: requests arrive at the configured rate, each call does work of its own
 * before, between and after its downstream calls (so a parent always contains its children, on one
 * clock), and the records are then delivered with the configured faults. Deterministic for a seed.
 */
public final class Simulation {
    private static final String[] MALFORMED = {
        "{\"id\":\"%s\",\"src_ip\":\"10.1.0.1\",\"dst_ip\":\"10.2.0.1\",\"start_at_ms\":",
        "{\"id\":\"%s\",\"src_ip\":\"10.1.0.1\",\"dst_ip\":\"10.2.0.1\",\"start_at_ms\":\"soon\",\"latency_msec\":5,\"end_at_ms\":10}",
        "{\"id\":\"%s\",\"src_ip\":\"10.1.0.1\",\"dst_ip\":\"10.2.0.1\",\"start_at_ms\":100,\"latency_msec\":-5,\"end_at_ms\":95}",
        "{\"id\":\"%s\",\"src_ip\":\"10.1.0.1\",\"dst_ip\":\"10.2.0.1\",\"start_at_ms\":100,\"latency_msec\":5,\"end_at_ms\":111}",
        "{\"id\":\"%s\",\"src_ip\":\"gateway-1\",\"dst_ip\":\"10.2.0.1\",\"start_at_ms\":100,\"latency_msec\":5,\"end_at_ms\":105}",
    };

    private final SimulatorConfig config;
    private final Random random;
    private final List<Call> calls = new ArrayList<>();
    private final Map<String, String> truthParents = new LinkedHashMap<>();
    private final List<byte[]> records = new ArrayList<>();
    private int requests;
    private long nextId;
    private int duplicates;
    private int malformed;
    private long lastEndMs = Long.MIN_VALUE;

    private Simulation(SimulatorConfig config) {
        this.config = config;
        this.random = new Random(config.seed);
    }

    public static Simulation run(SimulatorConfig config) {
        Simulation simulation = new Simulation(config);
        simulation.generate();
        simulation.deliver();
        return simulation;
    }

    /** The true calls, one per id, as the hosts' clocks stamped them. */
    public List<Call> calls() {
        return Collections.unmodifiableList(calls);
    }

    /** Each call's true parent id, or null for the calls clients make. */
    public Map<String, String> truthParents() {
        return Collections.unmodifiableMap(truthParents);
    }

    /** What a probe fleet delivers, in delivery order: the calls, duplicates and malformed records. */
    public List<byte[]> records() {
        return Collections.unmodifiableList(records);
    }

    public long lastEndMs() {
        return lastEndMs;
    }

    /** The most calls into the gateway in flight at once: the concurrency a stitcher faces there. */
    public int peakGatewayConcurrency() {
        String gateway = Service.GATEWAY.instanceIps()[0];
        List<long[]> events = new ArrayList<>();
        for (Call call : calls) {
            if (call.getDstIp().equals(gateway)) {
                events.add(new long[] {call.getStartAtMs(), 1});
                events.add(new long[] {call.getEndAtMs(), -1});
            }
        }
        // at equal times, starts before ends: inclusive intervals touch
        events.sort((a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(b[1], a[1]));
        int now = 0;
        int peak = 0;
        for (long[] event : events) {
            now += (int) event[1];
            peak = Math.max(peak, now);
        }
        return peak;
    }

    public int requests() {
        return requests;
    }

    public int duplicates() {
        return duplicates;
    }

    public int malformed() {
        return malformed;
    }

    private void generate() {
        double meanGapMs = 1000.0 / config.ratePerSecond;
        double arrival = 0;
        List<Call> raw = new ArrayList<>();
        while (raw.size() < config.calls) {
            arrival += -Math.log(1 - random.nextDouble()) * meanGapMs;
            List<Call> request = request(arrival);
            if (request != null) {
                raw.addAll(request);
                requests++;
            }
        }
        long shift = config.startMs > 0 ? config.startMs : System.currentTimeMillis() - (long) arrival - config.maxLatencyMs;
        Map<String, Long> skew = skewByHost();
        for (Call call : raw) {
            long offset = skew.getOrDefault(call.getSrcIp(), 0L);
            long start = call.getStartAtMs() + shift + offset;
            Call stamped = new Call(call.getId(), call.getSrcIp(), call.getDstIp(), start, call.getLatencyMsec(), start + call.getLatencyMsec());
            calls.add(stamped);
            lastEndMs = Math.max(lastEndMs, stamped.getEndAtMs());
        }
    }

    /** One request's calls with times relative to the simulation's start, or null if it ran over the maximum latency. */
    private List<Call> request(double arrivalMs) {
        RequestType type = pickType();
        String client = SystemModel.clientIp(random.nextInt(SystemModel.CLIENTS));
        List<Call> request = new ArrayList<>();
        Map<String, String> parents = new HashMap<>();
        callInto(type.root, client, (long) arrivalMs, null, request, parents);
        Call root = request.get(request.size() - 1);
        if (root.getLatencyMsec() > config.maxLatencyMs) {
            // the probes never see longer calls in this model: draw the request again
            return null;
        }
        for (Call call : request) {
            truthParents.put(call.getId(), parents.get(call.getId()));
        }
        return request;
    }

    /** Simulates the call into {@code node} from {@code srcIp} at {@code start}; returns its end. */
    private long callInto(RequestType.Node node, String srcIp, long start, String parentId, List<Call> out, Map<String, String> parents) {
        String id = "call-" + config.seed + "-" + nextId++;
        parents.put(id, parentId);
        String ip = node.service.pickInstance(random);
        long t = start + work();
        if (node.parallel) {
            long end = t;
            for (RequestType.Node child : node.children) {
                end = Math.max(end, callInto(child, ip, t + random.nextInt(3), id, out, parents));
            }
            t = end + work();
        } else {
            for (RequestType.Node child : node.children) {
                t = callInto(child, ip, t, id, out, parents) + work();
            }
        }
        long end = t + work();
        out.add(new Call(id, srcIp, ip, start, end - start, end));
        return end;
    }

    /** A stretch of a service's own work: mostly a few ms, now and then a slow spell (the long tail). */
    private long work() {
        int dice = random.nextInt(1000);
        if (dice < 2) {
            return 1000 + random.nextInt(6000);
        }
        if (dice < 10) {
            return 100 + random.nextInt(300);
        }
        return 1 + random.nextInt(12);
    }

    private RequestType pickType() {
        double x = random.nextDouble();
        for (RequestType type : SystemModel.REQUEST_TYPES) {
            x -= type.weight;
            if (x < 0) {
                return type;
            }
        }
        return SystemModel.REQUEST_TYPES.get(0);
    }

    private Map<String, Long> skewByHost() {
        Map<String, Long> skew = new HashMap<>();
        if (config.clockSkewMs == 0) {
            return skew;
        }
        for (Service service : Service.values()) {
            for (String ip : service.instanceIps()) {
                skew.put(ip, (long) ((random.nextDouble() * 2 - 1) * config.clockSkewMs));
            }
        }
        for (int client = 0; client < SystemModel.CLIENTS; client++) {
            skew.put(SystemModel.clientIp(client), (long) ((random.nextDouble() * 2 - 1) * config.clockSkewMs));
        }
        return skew;
    }

    /** Orders the records as a probe fleet would deliver them: each delayed below the bound after its end. */
    private void deliver() {
        List<Object[]> arrivals = new ArrayList<>();
        for (Call call : calls) {
            byte[] json = ProbeJson.write(call).getBytes(StandardCharsets.UTF_8);
            arrivals.add(new Object[] {call.getEndAtMs() + delay(), json});
            if (random.nextDouble() < config.duplicateShare) {
                arrivals.add(new Object[] {call.getEndAtMs() + delay(), json});
                duplicates++;
            }
        }
        int bad = (int) Math.round(calls.size() * config.malformedShare);
        for (int i = 0; i < bad; i++) {
            Call near = calls.get(random.nextInt(calls.size()));
            String text = String.format(MALFORMED[i % MALFORMED.length], "bad-" + config.seed + "-" + i);
            arrivals.add(new Object[] {near.getEndAtMs() + delay(), text.getBytes(StandardCharsets.UTF_8)});
            malformed++;
        }
        // stable: equal arrival times keep generation order, so a seed always gives the same bytes
        arrivals.sort((a, b) -> Long.compare((Long) a[0], (Long) b[0]));
        for (Object[] arrival : arrivals) {
            records.add((byte[]) arrival[1]);
        }
    }

    private long delay() {
        return config.maxDisorderMs == 0 ? 0 : (long) (random.nextDouble() * config.maxDisorderMs);
    }
}
