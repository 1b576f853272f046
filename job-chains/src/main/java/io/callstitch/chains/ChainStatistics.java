package io.callstitch.chains;

import io.callstitch.schema.ChainHop;
import io.callstitch.schema.ChainStatus;
import io.callstitch.schema.ChainSummary;
import io.callstitch.schema.PathHop;
import io.callstitch.schema.StitchedCall;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The summary of one chain from its calls: a graph walk over the calls gathered for a root.
 *
 * <p>A call's children and its confidence are those of the chains ({@link ChainEdges}). Only children
 * that are among the given calls count, so a timed-out chain is summed up over what had come. Equal
 * intervals may make calls each other's parent: every walk here keeps a set of the calls it has
 * visited and ends.
 */
public final class ChainStatistics {
    /** The slowest child first: greatest latency, then earliest start, then smallest id. */
    static final Comparator<StitchedCall> SLOWEST_FIRST = Comparator.comparingLong(StitchedCall::getLatencyMsec).reversed()
            .thenComparingLong(StitchedCall::getStartAtMs)
            .thenComparing(StitchedCall::getId);

    private ChainStatistics() {}

    /**
     * @param edges which children of a call the chains follow, and how sure each call's parent is
     * @param rootId the root; must be among {@code calls}
     * @param calls the calls of the chain, each once
     * @param missing how many calls the chain still awaited, 0 for a complete one
     * @param maxHops the most hops to list; the rest are only counted
     */
    public static ChainSummary summarize(ChainEdges edges, String rootId, Iterable<StitchedCall> calls, ChainStatus status, int missing,
            int maxHops) {
        Map<String, StitchedCall> byId = new HashMap<>();
        for (StitchedCall call : calls) {
            byId.put(call.getId(), call);
        }
        StitchedCall root = byId.get(rootId);
        if (root == null) {
            throw new IllegalArgumentException("the root " + rootId + " is not among the chain's calls");
        }
        long start = Long.MAX_VALUE;
        long end = Long.MIN_VALUE;
        for (StitchedCall call : byId.values()) {
            start = Math.min(start, call.getStartAtMs());
            end = Math.max(end, call.getEndAtMs());
        }
        List<ChainHop> hops = hops(edges, byId);
        int omitted = Math.max(0, hops.size() - maxHops);
        // in id order, so equal chains give equal bytes
        double confidence = 1;
        for (String id : new java.util.TreeSet<>(byId.keySet())) {
            confidence *= id.equals(rootId) ? 1 : edges.confidence(byId.get(id));
        }
        return ChainSummary.newBuilder()
                .setRootId(rootId)
                .setRootSrcIp(root.getSrcIp())
                .setRootDstIp(root.getDstIp())
                .setStartAtMs(root.getStartAtMs())
                .setDurationMs(end - start)
                .setCalls(byId.size())
                .setDepth(depth(edges, root, byId))
                .setStatus(status)
                .setMissingCalls(missing)
                .setTraceId(ZipkinIds.traceId(rootId))
                .setCriticalPath(criticalPath(edges, root, byId))
                .setHops(omitted == 0 ? hops : new ArrayList<>(hops.subList(0, maxHops)))
                .setHopsOmitted(omitted)
                .setConfidence(confidence)
                .build();
    }

    /** Breadth first from the root: the level of a call is one below its nearest parent. */
    static int depth(ChainEdges edges, StitchedCall root, Map<String, StitchedCall> byId) {
        Map<String, Integer> level = new HashMap<>();
        Deque<StitchedCall> queue = new ArrayDeque<>();
        level.put(root.getId(), 1);
        queue.add(root);
        int deepest = 1;
        while (!queue.isEmpty()) {
            StitchedCall call = queue.poll();
            int next = level.get(call.getId()) + 1;
            for (StitchedCall child : children(edges, call, byId)) {
                if (level.putIfAbsent(child.getId(), next) == null) {
                    deepest = Math.max(deepest, next);
                    queue.add(child);
                }
            }
        }
        return deepest;
    }

    /** From the root, always on to the slowest child not yet on the path. */
    static List<PathHop> criticalPath(ChainEdges edges, StitchedCall root, Map<String, StitchedCall> byId) {
        List<PathHop> path = new ArrayList<>();
        Set<String> onPath = new HashSet<>();
        StitchedCall call = root;
        while (call != null) {
            onPath.add(call.getId());
            List<StitchedCall> children = children(edges, call, byId);
            path.add(PathHop.newBuilder()
                    .setId(call.getId())
                    .setSrcIp(call.getSrcIp())
                    .setDstIp(call.getDstIp())
                    .setStartAtMs(call.getStartAtMs())
                    .setLatencyMsec(call.getLatencyMsec())
                    .setSelfTimeMs(selfTime(call, children))
                    .build());
            call = children.stream().filter(child -> !onPath.contains(child.getId())).min(SLOWEST_FIRST).orElse(null);
        }
        return path;
    }

    /** The call's latency less the union of its children's intervals (each clipped to the call's own). */
    static long selfTime(StitchedCall call, List<StitchedCall> children) {
        List<long[]> spans = new ArrayList<>();
        for (StitchedCall child : children) {
            long from = Math.max(child.getStartAtMs(), call.getStartAtMs());
            long to = Math.min(child.getEndAtMs(), call.getEndAtMs());
            if (from < to) {
                spans.add(new long[] {from, to});
            }
        }
        spans.sort(Comparator.comparingLong(span -> span[0]));
        long covered = 0;
        long reach = Long.MIN_VALUE;
        for (long[] span : spans) {
            long from = Math.max(span[0], reach);
            if (span[1] > from) {
                covered += span[1] - from;
            }
            reach = Math.max(reach, span[1]);
        }
        return call.getLatencyMsec() - covered;
    }

    static List<ChainHop> hops(ChainEdges edges, Map<String, StitchedCall> byId) {
        List<ChainHop> hops = new ArrayList<>();
        for (StitchedCall parent : byId.values()) {
            for (StitchedCall child : children(edges, parent, byId)) {
                hops.add(ChainHop.newBuilder()
                        .setParentId(parent.getId())
                        .setChildId(child.getId())
                        .setChildLatencyMsec(child.getLatencyMsec())
                        .setOffsetMs(child.getStartAtMs() - parent.getStartAtMs())
                        .build());
            }
        }
        hops.sort(Comparator.comparing(ChainHop::getParentId).thenComparing(ChainHop::getChildId));
        return hops;
    }

    private static List<StitchedCall> children(ChainEdges edges, StitchedCall call, Map<String, StitchedCall> byId) {
        List<StitchedCall> children = new ArrayList<>();
        for (String id : edges.children(call)) {
            StitchedCall child = byId.get(id);
            if (child != null) {
                children.add(child);
            }
        }
        return children;
    }
}
