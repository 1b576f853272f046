package io.callstitch.chains;

import io.callstitch.schema.ChainMessage;
import io.callstitch.schema.ChainMessageKind;
import io.callstitch.schema.ChainRoot;
import io.callstitch.schema.ChainState;
import io.callstitch.schema.StitchedCall;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which of the calls waiting in one key of the walk settle now, and what each of them then sends.
 *
 * <p>A key of the walk is an interval, so calls that are each other's parent wait in the same key.
 * A call is <i>settled</i> when it has heard from every parent that is not waiting in its key (a
 * {@code WALK} message with the parent's final roots), and every parent waiting in its key is settled
 * too: the calls of a cycle settle together, in one go. A call whose deadline has passed settles
 * anyway, with the roots it has heard of ({@link #timedOut}); the calls below it in its key may then
 * settle too.
 *
 * <p>A settled call's roots are final ({@link RootLevels}). It sends a {@code WALK} with them to each
 * child, and a {@code REPORT} to each root so that the root can gather its chain ({@link #messages}).
 * Each parent sends once per child and only once its roots are final, so a call hears from each
 * parent once. Parents and children are those of the chains ({@link ChainEdges}).
 */
public final class CallSettlement {
    private final ChainEdges edges;
    private final Map<String, ChainState> waiting;
    private final Set<String> settled;
    private final List<String> inIdOrder;
    private final Set<String> timedOut;
    private final RootLevels roots;

    private CallSettlement(ChainEdges edges, Map<String, ChainState> waiting, Set<String> settled, Set<String> timedOut,
            RootLevels roots) {
        this.edges = edges;
        this.waiting = waiting;
        this.settled = settled;
        List<String> order = new ArrayList<>(settled);
        order.sort(null);
        this.inIdOrder = Collections.unmodifiableList(order);
        this.timedOut = timedOut;
        this.roots = roots;
    }

    /**
     * @param edges which parents and children of a call the chains follow
     * @param waiting every call waiting in the key, by id, each with the walk messages it has heard
     * @param now calls whose deadline is at or before this processing time settle anyway;
     *     {@code Long.MIN_VALUE} when no deadline has passed
     */
    public static CallSettlement of(ChainEdges edges, Map<String, ChainState> waiting, long now) {
        Set<String> settled = new HashSet<>();
        Set<String> timedOut = new HashSet<>();
        for (Map.Entry<String, ChainState> entry : waiting.entrySet()) {
            if (entry.getValue().getDeadline() <= now) {
                timedOut.add(entry.getKey());
                settled.add(entry.getKey());
            } else if (heardOrHere(edges, entry.getValue(), waiting)) {
                settled.add(entry.getKey());
            }
        }
        // a call settles only with the parents waiting here: drop calls below an unsettled one until none is left
        boolean dropped = true;
        while (dropped) {
            dropped = false;
            for (Iterator<String> it = settled.iterator(); it.hasNext(); ) {
                String id = it.next();
                if (!timedOut.contains(id) && !settled.containsAll(parentsHere(edges, waiting.get(id), waiting))) {
                    it.remove();
                    dropped = true;
                }
            }
        }
        Map<String, ChainState> settling = new HashMap<>();
        for (String id : settled) {
            settling.put(id, waiting.get(id));
        }
        return new CallSettlement(edges, waiting, settled, timedOut, RootLevels.of(edges, settling));
    }

    /** The calls that settle now, in id order: the order they send in. */
    public List<String> settled() {
        return inIdOrder;
    }

    /** Whether a settled call settles because its deadline passed, not because it heard from all its parents. */
    public boolean timedOut(String id) {
        return timedOut.contains(id);
    }

    /** The final roots of a settled call by root id, each with the call's level in that root's chain. */
    public Map<String, ChainRoot> rootsOf(String id) {
        return roots.rootsOf(id);
    }

    /**
     * What a settled call sends, in this order: a {@code WALK} to each child, in the order of its
     * children, with all its roots sorted by id; then a {@code REPORT} to each root, in id order, with
     * the root's interval (the key the root waits in) and the call's level in its chain. A root
     * without children reports to no one: its chain is itself alone, and has no summary.
     */
    public List<ChainMessage> messages(String id) {
        requireSettled(id);
        StitchedCall call = waiting.get(id).getCall();
        List<String> children = edges.children(call);
        List<ChainRoot> sorted = new ArrayList<>(rootsOf(id).values());
        sorted.sort(Comparator.comparing(ChainRoot::getId));
        List<ChainMessage> messages = new ArrayList<>();
        for (String child : children) {
            messages.add(ChainMessage.newBuilder()
                    .setKind(ChainMessageKind.WALK)
                    .setTarget(child)
                    .setCall(call)
                    .setRoots(sorted)
                    .build());
        }
        for (ChainRoot root : sorted) {
            if (root.getId().equals(call.getId()) && children.isEmpty()) {
                continue;
            }
            messages.add(ChainMessage.newBuilder()
                    .setKind(ChainMessageKind.REPORT)
                    .setTarget(root.getId())
                    .setTargetStartAtMs(root.getStartAtMs())
                    .setTargetEndAtMs(root.getEndAtMs())
                    .setCall(call)
                    .setRoots(List.of(root))
                    .build());
        }
        return messages;
    }

    /**
     * The parents of a settled call whose roots are known, each with its roots by id: those it heard
     * from, and those that settle with it. (A call that timed out may have parents with neither.)
     */
    public Map<StitchedCall, Map<String, ChainRoot>> parentsWithRoots(String id) {
        requireSettled(id);
        ChainState state = waiting.get(id);
        Map<StitchedCall, Map<String, ChainRoot>> parents = new HashMap<>();
        for (ChainMessage heard : state.getHeard()) {
            Map<String, ChainRoot> byId = new HashMap<>();
            heard.getRoots().forEach(root -> byId.put(root.getId(), root));
            parents.put(heard.getCall(), byId);
        }
        for (String here : parentsHere(edges, state, waiting)) {
            if (settled.contains(here)) {
                parents.put(waiting.get(here).getCall(), rootsOf(here));
            }
        }
        return parents;
    }

    private void requireSettled(String id) {
        if (!settled.contains(id)) {
            throw new IllegalArgumentException("call " + id + " does not settle now");
        }
    }

    private static boolean heardOrHere(ChainEdges edges, ChainState state, Map<String, ChainState> waiting) {
        Set<String> heard = heardFrom(state);
        for (String parent : edges.parents(state.getCall())) {
            if (!heard.contains(parent) && !waiting.containsKey(parent)) {
                return false;
            }
        }
        return true;
    }

    /** Parents waiting in this key that have not sent a walk message: they settle along, or the call waits for them. */
    private static List<String> parentsHere(ChainEdges edges, ChainState state, Map<String, ChainState> waiting) {
        Set<String> heard = heardFrom(state);
        List<String> here = new ArrayList<>();
        for (String parent : edges.parents(state.getCall())) {
            if (!heard.contains(parent) && waiting.containsKey(parent)) {
                here.add(parent);
            }
        }
        return here;
    }

    private static Set<String> heardFrom(ChainState state) {
        Set<String> heard = new HashSet<>();
        for (ChainMessage message : state.getHeard()) {
            heard.add(message.getCall().getId());
        }
        return heard;
    }
}
