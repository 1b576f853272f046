package io.callstitch.deploy.demo;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import io.callstitch.schema.Call;

/**
 * Traffic that looks like a small microservice system, for the demo: clients call a gateway, the
 * gateway calls one of three api instances, which call a user service and an order service one
 * after the other, and the order service calls a database. Every call does some work of its own
 * before, between and after its downstream calls, so a parent always contains its children; most
 * calls take tens of milliseconds, a few take seconds.
 */
public final class SampleTraffic {
    private static final String GATEWAY = "10.1.0.1";
    private static final String[] API = {"10.2.0.1", "10.2.0.2", "10.2.0.3"};
    private static final String[] USERS = {"10.3.0.1", "10.3.0.2"};
    private static final String[] ORDERS = {"10.4.0.1", "10.4.0.2"};
    private static final String DATABASE = "10.5.0.1";

    private final Random random;
    private final List<Call> calls = new ArrayList<>();
    private int nextId;

    private SampleTraffic(long seed) {
        this.random = new Random(seed);
    }

    /** About {@code requests} requests (6 calls each) starting evenly over {@code spanMs} from {@code originMs}. */
    public static List<Call> generate(long seed, int requests, long originMs, long spanMs) {
        SampleTraffic traffic = new SampleTraffic(seed);
        for (int r = 0; r < requests; r++) {
            long start = originMs + spanMs * r / Math.max(1, requests) + traffic.random.nextInt(50);
            String client = "10.0.0." + (1 + traffic.random.nextInt(20));
            traffic.request(client, start);
        }
        return traffic.calls;
    }

    private void request(String client, long start) {
        long t = start + work();
        String api = pick(API);
        long apiStart = t;
        long u = apiStart + work();
        u = call(api, pick(USERS), u, true) + work();
        u = call(api, pick(ORDERS), u, true) + work();
        long apiEnd = u + work();
        add(GATEWAY, api, apiStart, apiEnd);
        add(client, GATEWAY, start, apiEnd + work());
    }

    /** A call from {@code src} to {@code dst} starting at {@code start}; returns its end. */
    private long call(String src, String dst, long start, boolean withDatabase) {
        long t = start + work();
        if (withDatabase) {
            t = call(dst, DATABASE, t, false) + work();
        }
        long end = t + work();
        add(src, dst, start, end);
        return end;
    }

    private long work() {
        // mostly a few ms, sometimes a slow spell: the long tail of the latency profile
        return random.nextInt(100) == 0 ? 500 + random.nextInt(2000) : 1 + random.nextInt(15);
    }

    private String pick(String[] ips) {
        return ips[random.nextInt(ips.length)];
    }

    private void add(String src, String dst, long start, long end) {
        calls.add(new Call("call-" + nextId++, src, dst, start, end - start, end));
    }
}
