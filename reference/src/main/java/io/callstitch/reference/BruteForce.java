package io.callstitch.reference;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import io.callstitch.schema.Call;

/**
 * The rule (README.md, "The rule") read literally, with no windows, buckets or watermarks: for every pair of
 * calls, p is a parent of c when p.dst_ip == c.src_ip, p.start <= c.start, p.end >= c.end and
 * p.id != c.id. The reference every stitched output is checked against.
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

    /**
     * Every call's expected lists, by call id. Ids must be distinct. Per ip, the calls out of it (the
     * children candidates) are sorted by start, so each call into it (a parent candidate) visits only the
     * calls that start inside its interval; every pair that can satisfy {@code p.start <= c.start <= p.end}
     * is still tested with the whole rule. {@link #stitchAllPairs} tests every pair, and a test holds the
     * two equal.
     */
    public static Map<String, Expected> stitch(Collection<Call> calls) {
        Map<String, Expected> expected = expectedFor(calls);
        Map<String, List<Call>> byDst = new HashMap<>();
        Map<String, List<Call>> bySrc = new HashMap<>();
        group(calls, byDst, bySrc);
        for (Map.Entry<String, List<Call>> entry : byDst.entrySet()) {
            List<Call> children = new ArrayList<>(bySrc.getOrDefault(entry.getKey(), List.of()));
            children.sort(Comparator.comparingLong(Call::getStartAtMs));
            long[] starts = children.stream().mapToLong(Call::getStartAtMs).toArray();
            for (Call p : entry.getValue()) {
                for (int i = firstAtOrAfter(starts, p.getStartAtMs()); i < starts.length && starts[i] <= p.getEndAtMs(); i++) {
                    edgeIfRule(p, children.get(i), expected);
                }
            }
        }
        return expected;
    }

    /** The same answer by testing every pair of calls that share an ip: the rule read literally, slowly. */
    public static Map<String, Expected> stitchAllPairs(Collection<Call> calls) {
        Map<String, Expected> expected = expectedFor(calls);
        Map<String, List<Call>> byDst = new HashMap<>();
        Map<String, List<Call>> bySrc = new HashMap<>();
        group(calls, byDst, bySrc);
        for (Map.Entry<String, List<Call>> entry : byDst.entrySet()) {
            for (Call p : entry.getValue()) {
                for (Call c : bySrc.getOrDefault(entry.getKey(), List.of())) {
                    edgeIfRule(p, c, expected);
                }
            }
        }
        return expected;
    }

    /** The rule for one pair, read literally: p called the host c runs on, and p's interval contains c's. */
    public static boolean isEdge(Call p, Call c) {
        return p.getDstIp().equals(c.getSrcIp()) && containsInTime(p, c);
    }

    /**
     * The rule's time half, for callers that already hold calls of one ip (the ip half holds by their key):
     * p.start <= c.start, p.end >= c.end, and p and c are two calls.
     */
    public static boolean containsInTime(Call p, Call c) {
        return p.getStartAtMs() <= c.getStartAtMs() && p.getEndAtMs() >= c.getEndAtMs() && !p.getId().equals(c.getId());
    }

    private static void edgeIfRule(Call p, Call c, Map<String, Expected> expected) {
        if (isEdge(p, c)) {
            expected.get(p.getId()).children.add(c.getId());
            expected.get(c.getId()).parents.add(p.getId());
        }
    }

    private static Map<String, Expected> expectedFor(Collection<Call> calls) {
        Map<String, Expected> expected = new TreeMap<>();
        for (Call call : calls) {
            if (expected.put(call.getId(), new Expected()) != null) {
                throw new IllegalArgumentException("duplicate id " + call.getId());
            }
        }
        return expected;
    }

    private static void group(Collection<Call> calls, Map<String, List<Call>> byDst, Map<String, List<Call>> bySrc) {
        for (Call call : calls) {
            byDst.computeIfAbsent(call.getDstIp(), ip -> new ArrayList<>()).add(call);
            bySrc.computeIfAbsent(call.getSrcIp(), ip -> new ArrayList<>()).add(call);
        }
    }

    /** The first index whose start is at least {@code start}. */
    private static int firstAtOrAfter(long[] starts, long start) {
        int low = 0;
        int high = starts.length;
        while (low < high) {
            int middle = (low + high) >>> 1;
            if (starts[middle] < start) {
                low = middle + 1;
            } else {
                high = middle;
            }
        }
        return low;
    }
}
