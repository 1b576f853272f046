package io.callstitch.chains;

import io.callstitch.schema.StitchedCall;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import javax.annotation.Nullable;

/**
 * The edges of the chains, read from a stitched call: which of its parents and children the chains
 * follow ({@code --chains-by}), and how sure its parent in the chain is.
 *
 * <p>Following best parents, a call's one parent in the chain is its {@code best_parent} (none for a
 * call without one: a root, or a late call whose caller is unknown) and its children are the calls
 * that chose it, {@code best_children}, so every chain is a tree. Following the rule, the chains take
 * the stitched {@code parents} and {@code children} as they are.
 *
 * <p>Why a class of its own: the walk carries the stitched record as it is, and this is the one place
 * that reads the mode, so the routing, the walk, the statistics and the spans cannot disagree on
 * which edges a chain has.
 */
public final class ChainEdges implements Serializable {
    private static final long serialVersionUID = 1L;

    private final ChainsOptions.ChainsBy chainsBy;

    public ChainEdges(ChainsOptions.ChainsBy chainsBy) {
        if (chainsBy == null) {
            throw new IllegalArgumentException("chainsBy is required");
        }
        this.chainsBy = chainsBy;
    }

    /** The call's parents in the chain; empty for a root of the chains. */
    public List<String> parents(StitchedCall call) {
        if (chainsBy == ChainsOptions.ChainsBy.RULE) {
            return call.getParents();
        }
        return call.getBestParent() == null ? List.of() : List.of(call.getBestParent());
    }

    /** The call's children in the chain. */
    public List<String> children(StitchedCall call) {
        return chainsBy == ChainsOptions.ChainsBy.RULE ? call.getChildren() : call.getBestChildren();
    }

    /**
     * The probability that the call's parent in the chain is its real caller: its
     * {@code best_parent_confidence} following best parents, 1 when it has none (a root, or a confidence
     * not given) or when the chains follow the rule, which claims no cause.
     */
    public double confidence(StitchedCall call) {
        Double confidence = call.getBestParentConfidence();
        return chainsBy == ChainsOptions.ChainsBy.BEST_PARENT && confidence != null ? confidence : 1.0;
    }

    /**
     * The call's parents by the rule other than {@code chosen}, sorted: what a Zipkin span names besides
     * the parent it hangs under, whichever pairs the chains follow.
     *
     * @param chosen the parent chosen for the call, null for none
     */
    public List<String> otherParents(StitchedCall call, @Nullable String chosen) {
        List<String> others = new ArrayList<>(call.getParents());
        others.remove(chosen);
        others.sort(null);
        return others;
    }
}
