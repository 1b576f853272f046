package io.callstitch.chains;

import io.callstitch.schema.ChainMessage;
import io.callstitch.schema.ChainRoot;
import io.callstitch.schema.ChainState;
import io.callstitch.schema.StitchedCall;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The final roots of calls that settle together in one key of the walk, with each call's level in
 * each root's chain.
 *
 * <p>A root is level 1 of its own chain, and a call is one level below its nearest parent in the
 * chain (the {@code depth} of docs/chains.md): its roots are its parents' roots, each one level below
 * the smallest level a parent has in that root's chain. A parent in another key gave its final roots
 * in its walk message. A parent settling in the same go (same interval, maybe a cycle) has none to
 * give yet, so the levels are relaxed along those parents until none gets lower. Levels only fall and
 * never below 1, so this ends, and each level is the smallest over every path in whatever order the
 * calls are taken.
 */
public final class RootLevels {
    private final Map<String, Map<String, ChainRoot>> byCall;

    private RootLevels(Map<String, Map<String, ChainRoot>> byCall) {
        this.byCall = byCall;
    }

    /**
     * @param edges which parents of a call the chains follow
     * @param settling the calls that settle together, by id, each with the walk messages it has heard;
     *     a parent of one of them that is among them and has not sent a walk message settles along
     */
    public static RootLevels of(ChainEdges edges, Map<String, ChainState> settling) {
        Map<String, Map<String, ChainRoot>> byCall = new HashMap<>();
        Map<String, List<String>> alongWith = new HashMap<>();
        for (Map.Entry<String, ChainState> entry : settling.entrySet()) {
            String id = entry.getKey();
            StitchedCall call = entry.getValue().getCall();
            Map<String, ChainRoot> own = new HashMap<>();
            if (edges.parents(call).isEmpty()) {
                own.put(id, new ChainRoot(id, call.getStartAtMs(), call.getEndAtMs(), 1));
            }
            for (ChainMessage heard : entry.getValue().getHeard()) {
                for (ChainRoot root : heard.getRoots()) {
                    lower(own, root, root.getLevel() + 1);
                }
            }
            byCall.put(id, own);
            alongWith.put(id, parentsSettlingAlong(edges, entry.getValue(), settling));
        }
        boolean changed = true;
        while (changed) {
            changed = false;
            for (Map.Entry<String, List<String>> call : alongWith.entrySet()) {
                for (String parent : call.getValue()) {
                    for (ChainRoot root : byCall.get(parent).values()) {
                        changed |= lower(byCall.get(call.getKey()), root, root.getLevel() + 1);
                    }
                }
            }
        }
        return new RootLevels(byCall);
    }

    /**
     * The roots of one of the settling calls by root id, each with the call's level in that root's
     * chain; empty for a call no root reaches (a cycle with no parent outside it, or below one).
     */
    public Map<String, ChainRoot> rootsOf(String callId) {
        Map<String, ChainRoot> roots = byCall.get(callId);
        if (roots == null) {
            throw new IllegalArgumentException("call " + callId + " is not among the settling calls");
        }
        return Collections.unmodifiableMap(roots);
    }

    /** Puts {@code root} at {@code level} unless it is known at that level or a smaller one; says whether it did. */
    private static boolean lower(Map<String, ChainRoot> roots, ChainRoot root, int level) {
        ChainRoot known = roots.get(root.getId());
        if (known != null && known.getLevel() <= level) {
            return false;
        }
        roots.put(root.getId(), new ChainRoot(root.getId(), root.getStartAtMs(), root.getEndAtMs(), level));
        return true;
    }

    private static List<String> parentsSettlingAlong(ChainEdges edges, ChainState state, Map<String, ChainState> settling) {
        Set<String> heard = new HashSet<>();
        for (ChainMessage message : state.getHeard()) {
            heard.add(message.getCall().getId());
        }
        List<String> along = new ArrayList<>();
        for (String parent : edges.parents(state.getCall())) {
            if (!heard.contains(parent) && settling.containsKey(parent)) {
                along.add(parent);
            }
        }
        return along;
    }
}
