package io.callstitch.reference;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import io.callstitch.schema.Call;

/**
 * Adversarial random traffic for checking the stitcher against {@link BruteForce}: few ips, a coarse
 * clock so that ties on both bounds and equal intervals are common, nested and overlapping calls,
 * self-calls (src == dst), and calls back and forth between two ips over the same interval.
 */
public final class RandomCalls {
    private RandomCalls() {}

    /**
     * @param ips how many distinct ips (10.0.0.0 .. 10.0.0.ips-1)
     * @param spanMs calls start within [0, spanMs) after {@code originMs}
     * @param maxLatencyMs latencies from 0 to this
     * @param tickMs the clock's granularity: timestamps are multiples of it
     */
    public static List<Call> generate(long seed, int count, int ips, long originMs, long spanMs, long maxLatencyMs, long tickMs) {
        Random random = new Random(seed);
        List<Call> calls = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            String id = "c" + i;
            String src = ip(random.nextInt(ips));
            String dst = ip(random.nextInt(ips));
            int kind = random.nextInt(10);
            if (kind == 0 && !calls.isEmpty()) {
                // the reverse call over the very same interval: each is the other's parent
                Call other = calls.get(random.nextInt(calls.size()));
                calls.add(new Call(id, other.getDstIp(), other.getSrcIp(), other.getStartAtMs(), other.getLatencyMsec(), other.getEndAtMs()));
                continue;
            }
            if (kind == 1 && !calls.isEmpty()) {
                // a call nested inside an earlier one, made by its callee
                Call parent = calls.get(random.nextInt(calls.size()));
                long start = parent.getStartAtMs() + tick(random, parent.getLatencyMsec() + 1, tickMs);
                long latency = tick(random, parent.getEndAtMs() - start + 1, tickMs);
                calls.add(new Call(id, parent.getDstIp(), dst, start, latency, start + latency));
                continue;
            }
            long start = originMs + tick(random, spanMs, tickMs);
            long latency = tick(random, maxLatencyMs + 1, tickMs);
            calls.add(new Call(id, src, dst, start, latency, start + latency));
        }
        return calls;
    }

    /**
     * The calls in an order a probe fleet could deliver them in: each call is delayed by a random
     * amount below {@code maxDisorderMs} after its end, so no call arrives more than that behind the
     * newest end delivered before it.
     */
    public static List<Call> deliveryOrder(List<Call> calls, long maxDisorderMs, long seed) {
        Random random = new Random(seed);
        List<long[]> arrival = new ArrayList<>(calls.size());
        for (int i = 0; i < calls.size(); i++) {
            long delay = maxDisorderMs == 0 ? 0 : (long) (random.nextDouble() * maxDisorderMs);
            arrival.add(new long[] {calls.get(i).getEndAtMs() + delay, i});
        }
        arrival.sort(Comparator.<long[]>comparingLong(a -> a[0]).thenComparingLong(a -> a[1]));
        List<Call> ordered = new ArrayList<>(calls.size());
        for (long[] a : arrival) {
            ordered.add(calls.get((int) a[1]));
        }
        return ordered;
    }

    private static long tick(Random random, long boundMs, long tickMs) {
        if (boundMs <= 0) {
            return 0;
        }
        return (long) (random.nextDouble() * boundMs) / tickMs * tickMs;
    }

    private static String ip(int n) {
        return "10.0.0." + n;
    }
}
