package io.callstitch.match;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import io.callstitch.schema.Call;

/** Calls written like the rows of the seed's tables. */
public final class Fixtures {
    private Fixtures() {}

    public static Call call(String id, String src, String dst, long start, long end) {
        return new Call(id, src, dst, start, end - start, end);
    }

    /** Random calls on few ips and a coarse clock, so ties, nesting and equal intervals are common. */
    public static List<Call> randomCalls(Random random, String idPrefix, int count, int ips, long span, long maxLatency) {
        List<Call> calls = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            long start = random.nextInt((int) span) / 10 * 10;
            long latency = random.nextInt((int) maxLatency + 1) / 10 * 10;
            String src = "10.0.0." + random.nextInt(ips);
            String dst = "10.0.0." + random.nextInt(ips);
            calls.add(new Call(idPrefix + i, src, dst, start, latency, start + latency));
        }
        return calls;
    }
}
