package io.callstitch.deploy.check;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import io.callstitch.schema.Call;

/**
 * The rule of pipeline.md §1 read literally, with no windows, buckets or watermarks: for every pair of
 * calls, p is a parent of c when p.dst_ip == c.src_ip, p.start <= c.start, p.end >= c.end and
 * p.id != c.id. Pairs are only grouped by the ip they share, so the cost is the sum over ips of
 * (calls into it) x (calls out of it). The reference every stitched output is checked against.
 */
public final class BruteForce {
    private BruteForce() {}

    /** The expected parents and children of one call, sorted. */
    public static final class Expected {
        public final TreeSet<String> parents = new TreeSet<>();
        public final TreeSet<String> children = new TreeSet<>();

        public List<String> parentList() {
            return new ArrayList<>(parents);
        }

        public List<String> childList() {
            return new ArrayList<>(children);
        }
    }

    /** Every call's expected lists, by call id. Ids must be distinct. */
    public static Map<String, Expected> stitch(Collection<Call> calls) {
        Map<String, Expected> expected = new TreeMap<>();
        Map<String, List<Call>> byDst = new HashMap<>();
        Map<String, List<Call>> bySrc = new HashMap<>();
        for (Call call : calls) {
            if (expected.put(call.getId(), new Expected()) != null) {
                throw new IllegalArgumentException("duplicate id " + call.getId());
            }
            byDst.computeIfAbsent(call.getDstIp(), ip -> new ArrayList<>()).add(call);
            bySrc.computeIfAbsent(call.getSrcIp(), ip -> new ArrayList<>()).add(call);
        }
        for (Map.Entry<String, List<Call>> entry : byDst.entrySet()) {
            for (Call p : entry.getValue()) {
                for (Call c : bySrc.getOrDefault(entry.getKey(), List.of())) {
                    if (p.getStartAtMs() <= c.getStartAtMs() && p.getEndAtMs() >= c.getEndAtMs() && !p.getId().equals(c.getId())) {
                        expected.get(p.getId()).children.add(c.getId());
                        expected.get(c.getId()).parents.add(p.getId());
                    }
                }
            }
        }
        return expected;
    }
}
