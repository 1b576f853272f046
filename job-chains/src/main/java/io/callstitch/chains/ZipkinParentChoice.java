package io.callstitch.chains;

import io.callstitch.schema.ChainRoot;
import io.callstitch.schema.StitchedCall;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import javax.annotation.Nullable;

/**
 * The trace and the parent of a call's Zipkin span ({@link ZipkinSpans}): a span has one of each,
 * while a call can have many parents and belong to many chains (docs/chains.md, "Parents in Zipkin").
 *
 * <p>The <b>trace root</b> is the call's nearest root: smallest level, then smallest id. The
 * <b>parent</b> is, among the call's parents one level up in that root's chain, the tightest: smallest
 * latency, then latest start, then smallest id; of two calls that both contain a child, the shorter
 * one is the likelier cause. The nearest root of that parent is the same root (one level up, it is at
 * least as near to it), so every trace is a tree. The call's other parents by the rule go in a tag. A
 * call no root reaches is a trace of its own, without a parent; a root has no parent either.
 */
public final class ZipkinParentChoice {
    /** The tightest parent first: smallest latency, then latest start, then smallest id. */
    static final Comparator<StitchedCall> TIGHTEST_FIRST = Comparator.comparingLong(StitchedCall::getLatencyMsec)
            .thenComparing(Comparator.comparingLong(StitchedCall::getStartAtMs).reversed())
            .thenComparing(StitchedCall::getId);
    private static final Comparator<ChainRoot> NEAREST_FIRST = Comparator.comparingInt(ChainRoot::getLevel)
            .thenComparing(ChainRoot::getId);

    private final String traceRootId;
    @Nullable private final String parentId;
    private final boolean rooted;
    private final List<String> otherParents;

    private ZipkinParentChoice(String traceRootId, @Nullable String parentId, boolean rooted, List<String> otherParents) {
        this.traceRootId = traceRootId;
        this.parentId = parentId;
        this.rooted = rooted;
        this.otherParents = otherParents;
    }

    /**
     * @param edges the edges of the chains, for the call's parents by the rule that are not chosen
     * @param call a settled call
     * @param roots its final roots by id, each with the call's level in that root's chain
     * @param parentRoots its parents whose roots are known, each with its roots by id
     */
    public static ZipkinParentChoice of(ChainEdges edges, StitchedCall call, Map<String, ChainRoot> roots,
            Map<StitchedCall, Map<String, ChainRoot>> parentRoots) {
        ChainRoot nearest = roots.values().stream().min(NEAREST_FIRST).orElse(null);
        String parent = null;
        if (nearest != null && nearest.getLevel() > 1) {
            StitchedCall best = null;
            for (Map.Entry<StitchedCall, Map<String, ChainRoot>> candidate : parentRoots.entrySet()) {
                ChainRoot via = candidate.getValue().get(nearest.getId());
                if (via != null && via.getLevel() == nearest.getLevel() - 1
                        && (best == null || TIGHTEST_FIRST.compare(candidate.getKey(), best) < 0)) {
                    best = candidate.getKey();
                }
            }
            parent = best == null ? null : best.getId();
        }
        return new ZipkinParentChoice(nearest == null ? call.getId() : nearest.getId(), parent, nearest != null,
                Collections.unmodifiableList(edges.otherParents(call, parent)));
    }

    /** The call whose id gives the trace id: the nearest root, or the call itself when no root reaches it. */
    public String traceRootId() {
        return traceRootId;
    }

    /** The parent the span hangs under; null for a root, or when no parent one level up is known. */
    @Nullable
    public String parentId() {
        return parentId;
    }

    /** Whether a root reaches the call. */
    public boolean rooted() {
        return rooted;
    }

    /** The call's parents by the rule other than the chosen one, sorted. */
    public List<String> otherParents() {
        return otherParents;
    }
}
