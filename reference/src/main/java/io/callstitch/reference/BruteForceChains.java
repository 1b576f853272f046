package io.callstitch.reference;

import io.callstitch.schema.ChainHop;
import io.callstitch.schema.ChainSummary;
import io.callstitch.schema.PathHop;
import io.callstitch.schema.StitchedCall;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The chains of a set of stitched calls, read straight off the definitions in docs/chains.md, with
 * no code of job-chains: what its output is compared with. Slow on purpose where that is plainer.
 */
public final class BruteForceChains {
    private final Map<String, StitchedCall> byId = new HashMap<>();
    /** root id → (call id → level in that root's chain). */
    private final Map<String, Map<String, Integer>> levels = new TreeMap<>();

    /**
     * The chains job-chains writes by default: each call under its best parent. The tree is read from the
     * {@code best_parent} fields alone (a call's children are the calls that name it), so the walk, which
     * follows {@code best_children} down, is checked against the other half of the record.
     */
    public static BruteForceChains followingBestParents(Collection<StitchedCall> calls) {
        Map<String, List<String>> chosenBy = new HashMap<>();
        for (StitchedCall call : calls) {
            if (call.getBestParent() != null) {
                chosenBy.computeIfAbsent(call.getBestParent(), p -> new ArrayList<>()).add(call.getId());
            }
        }
        List<StitchedCall> trees = new ArrayList<>();
        for (StitchedCall call : calls) {
            List<String> children = new ArrayList<>(chosenBy.getOrDefault(call.getId(), List.of()));
            children.sort(null);
            trees.add(StitchedCall.newBuilder(call)
                    .setParents(call.getBestParent() == null ? List.of() : List.of(call.getBestParent()))
                    .setChildren(children).build());
        }
        return new BruteForceChains(trees);
    }

    public BruteForceChains(Collection<StitchedCall> calls) {
        for (StitchedCall call : calls) {
            byId.put(call.getId(), call);
        }
        for (StitchedCall call : calls) {
            if (call.getParents().isEmpty()) {
                levels.put(call.getId(), levelsFrom(call.getId()));
            }
        }
    }

    /** Levels by relaxation until nothing changes: level(root) = 1, level(c) = 1 + min level of a parent reached. */
    private Map<String, Integer> levelsFrom(String root) {
        Map<String, Integer> level = new HashMap<>();
        level.put(root, 1);
        boolean changed = true;
        while (changed) {
            changed = false;
            for (Map.Entry<String, Integer> entry : new ArrayList<>(level.entrySet())) {
                for (String child : byId.get(entry.getKey()).getChildren()) {
                    if (!byId.containsKey(child)) {
                        continue;
                    }
                    Integer known = level.get(child);
                    if (known == null || known > entry.getValue() + 1) {
                        level.put(child, entry.getValue() + 1);
                        changed = true;
                    }
                }
            }
        }
        return level;
    }

    /** What a chain summary must say. */
    public static final class Expected {
        public final String rootId;
        public final long startAtMs;
        public final long durationMs;
        public final int calls;
        public final int depth;
        /** "id:latency:selfTime" per hop of the slowest path. */
        public final List<String> criticalPath;
        /** "parent>child:childLatency:offset", sorted. */
        public final List<String> hops;
        public final int hopsOmitted;

        Expected(String rootId, long startAtMs, long durationMs, int calls, int depth, List<String> criticalPath, List<String> hops,
                int hopsOmitted) {
            this.rootId = rootId;
            this.startAtMs = startAtMs;
            this.durationMs = durationMs;
            this.calls = calls;
            this.depth = depth;
            this.criticalPath = criticalPath;
            this.hops = hops;
            this.hopsOmitted = hopsOmitted;
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Expected && toString().equals(other.toString());
        }

        @Override
        public int hashCode() {
            return Objects.hash(toString());
        }

        @Override
        public String toString() {
            return rootId + " start=" + startAtMs + " duration=" + durationMs + " calls=" + calls + " depth=" + depth
                    + " path=" + criticalPath + " hops=" + hops + " omitted=" + hopsOmitted;
        }
    }

    /** A summary written by job-chains, in the terms of {@link Expected}. */
    public static Expected of(ChainSummary summary) {
        List<String> path = new ArrayList<>();
        for (PathHop hop : summary.getCriticalPath()) {
            path.add(hop.getId() + ":" + hop.getLatencyMsec() + ":" + hop.getSelfTimeMs());
        }
        List<String> hops = new ArrayList<>();
        for (ChainHop hop : summary.getHops()) {
            hops.add(hop.getParentId() + ">" + hop.getChildId() + ":" + hop.getChildLatencyMsec() + ":" + hop.getOffsetMs());
        }
        // the order of the written hops is checked by the hand-built cases; here the sets are compared
        hops.sort(null);
        return new Expected(summary.getRootId(), summary.getStartAtMs(), summary.getDurationMs(), summary.getCalls(),
                summary.getDepth(), path, hops, summary.getHopsOmitted());
    }

    /** The ids of the calls in the chain of {@code rootId}. */
    public java.util.Set<String> callsOf(String rootId) {
        return levels.get(rootId).keySet();
    }

    /** Every chain: each root with at least one child, by root id. */
    public Map<String, Expected> chains() {
        return chains(Integer.MAX_VALUE);
    }

    /** The same, listing only the first {@code maxHops} hops by parent id, then child id, as job-chains --max-hops does. */
    public Map<String, Expected> chains(int maxHops) {
        Map<String, Expected> chains = new TreeMap<>();
        for (Map.Entry<String, Map<String, Integer>> chain : levels.entrySet()) {
            String rootId = chain.getKey();
            Map<String, Integer> members = chain.getValue();
            if (members.size() < 2) {
                continue;
            }
            long first = Long.MAX_VALUE;
            long last = Long.MIN_VALUE;
            int depth = 0;
            List<String[]> hops = new ArrayList<>();
            for (String id : members.keySet()) {
                StitchedCall call = byId.get(id);
                first = Math.min(first, call.getStartAtMs());
                last = Math.max(last, call.getEndAtMs());
                depth = Math.max(depth, members.get(id));
                for (String childId : call.getChildren()) {
                    StitchedCall child = byId.get(childId);
                    if (child != null && members.containsKey(childId)) {
                        hops.add(new String[] {id, childId, child.getLatencyMsec() + ":" + (child.getStartAtMs() - call.getStartAtMs())});
                    }
                }
            }
            hops.sort((a, b) -> a[0].equals(b[0]) ? a[1].compareTo(b[1]) : a[0].compareTo(b[0]));
            List<String> listed = new ArrayList<>();
            for (String[] hop : hops.subList(0, Math.min(maxHops, hops.size()))) {
                listed.add(hop[0] + ">" + hop[1] + ":" + hop[2]);
            }
            listed.sort(null);
            chains.put(rootId, new Expected(rootId, byId.get(rootId).getStartAtMs(), last - first, members.size(), depth,
                    slowestPath(rootId), listed, Math.max(0, hops.size() - maxHops)));
        }
        return chains;
    }

    private List<String> slowestPath(String rootId) {
        List<String> path = new ArrayList<>();
        TreeSet<String> visited = new TreeSet<>();
        StitchedCall call = byId.get(rootId);
        while (call != null) {
            visited.add(call.getId());
            path.add(call.getId() + ":" + call.getLatencyMsec() + ":" + selfTime(call));
            StitchedCall next = null;
            for (String childId : call.getChildren()) {
                StitchedCall child = byId.get(childId);
                if (child == null || visited.contains(childId)) {
                    continue;
                }
                if (next == null || slower(child, next)) {
                    next = child;
                }
            }
            call = next;
        }
        return path;
    }

    private static boolean slower(StitchedCall a, StitchedCall b) {
        if (a.getLatencyMsec() != b.getLatencyMsec()) {
            return a.getLatencyMsec() > b.getLatencyMsec();
        }
        if (a.getStartAtMs() != b.getStartAtMs()) {
            return a.getStartAtMs() < b.getStartAtMs();
        }
        return a.getId().compareTo(b.getId()) < 0;
    }

    /** Milliseconds of the call during which none of its children runs, counted one by one. */
    private long selfTime(StitchedCall call) {
        long free = 0;
        for (long ms = call.getStartAtMs(); ms < call.getEndAtMs(); ms++) {
            boolean covered = false;
            for (String childId : call.getChildren()) {
                StitchedCall child = byId.get(childId);
                if (child != null && child.getStartAtMs() <= ms && ms < child.getEndAtMs()) {
                    covered = true;
                    break;
                }
            }
            if (!covered) {
                free++;
            }
        }
        return free;
    }

    /**
     * The trace a call's span must be in: the root nearest to it (smallest level, then smallest id),
     * or the call itself when no root reaches it.
     */
    public String traceRoot(String callId) {
        String best = null;
        int bestLevel = Integer.MAX_VALUE;
        for (Map.Entry<String, Map<String, Integer>> chain : levels.entrySet()) {
            Integer level = chain.getValue().get(callId);
            if (level != null && level < bestLevel) {
                best = chain.getKey();
                bestLevel = level;
            }
        }
        return best == null ? callId : best;
    }

    /**
     * The parent a call's span must name: among its parents one level above it in its trace root's
     * chain, the tightest (smallest latency, then latest start, then smallest id); null for a root or
     * a call no root reaches.
     */
    public String chosenParent(String callId) {
        String root = traceRoot(callId);
        Map<String, Integer> level = levels.get(root);
        if (level == null || root.equals(callId)) {
            return null;
        }
        StitchedCall best = null;
        for (String parentId : byId.get(callId).getParents()) {
            StitchedCall parent = byId.get(parentId);
            if (parent == null || !Objects.equals(level.get(parentId), level.get(callId) - 1)) {
                continue;
            }
            if (best == null || parent.getLatencyMsec() < best.getLatencyMsec()
                    || parent.getLatencyMsec() == best.getLatencyMsec() && parent.getStartAtMs() > best.getStartAtMs()
                    || parent.getLatencyMsec() == best.getLatencyMsec() && parent.getStartAtMs() == best.getStartAtMs()
                            && parent.getId().compareTo(best.getId()) < 0) {
                best = parent;
            }
        }
        return best == null ? null : best.getId();
    }
}
