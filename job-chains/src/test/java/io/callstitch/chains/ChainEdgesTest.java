package io.callstitch.chains;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.callstitch.schema.Status;
import io.callstitch.schema.StitchedCall;
import java.util.List;
import javax.annotation.Nullable;
import org.junit.jupiter.api.Test;

class ChainEdgesTest {
    private static final ChainEdges BY_RULE = new ChainEdges(ChainsOptions.ChainsBy.RULE);
    private static final ChainEdges BY_BEST_PARENT = new ChainEdges(ChainsOptions.ChainsBy.BEST_PARENT);

    // r: 1→2 [0,100] is a root; p: 2→3 [10,90] and q: 2→3 [20,80] are below it; x: 3→4 [30,60] is below both, its best parent q
    private static final StitchedCall R = call("r", 0, 100, List.of(), List.of("p", "q"), null, null, List.of("p", "q"));
    private static final StitchedCall P = call("p", 10, 90, List.of("r"), List.of("x"), "r", 0.9, List.of());
    private static final StitchedCall X = call("x", 30, 60, List.of("p", "q"), List.of(), "q", 0.7, List.of());

    @Test
    void byTheRuleTheChainsFollowTheStitchedParentsAndChildren() {
        assertEquals(List.of("p", "q"), BY_RULE.parents(X));
        assertEquals(List.of("x"), BY_RULE.children(P));
        assertEquals(List.of("r"), BY_RULE.parents(P));
    }

    @Test
    void byTheRuleEveryParentIsSure() {
        assertEquals(1.0, BY_RULE.confidence(X));
        assertEquals(1.0, BY_RULE.confidence(P));
    }

    @Test
    void byBestParentsACallHasItsBestParentAloneAndTheCallsThatChoseIt() {
        assertEquals(List.of("q"), BY_BEST_PARENT.parents(X));
        assertEquals(List.of("p", "q"), BY_BEST_PARENT.children(R));
        assertEquals(0.7, BY_BEST_PARENT.confidence(X));
    }

    @Test
    void byBestParentsACallWithoutBestChildrenEndsItsChainThoughTheRuleGivesItChildren() {
        // p contains x, but x chose q
        assertEquals(List.of(), BY_BEST_PARENT.children(P));
        assertEquals(List.of("x"), BY_RULE.children(P));
    }

    @Test
    void aRootHasNoParentInEitherModeAndIsSure() {
        for (ChainEdges edges : List.of(BY_RULE, BY_BEST_PARENT)) {
            assertEquals(List.of(), edges.parents(R));
            assertEquals(1.0, edges.confidence(R));
        }
    }

    @Test
    void byBestParentsACallWithParentsButNoBestParentIsARoot() {
        // a late call: the rule gives it a parent, the timing model none
        StitchedCall late = call("late", 40, 50, List.of("p"), List.of(), null, null, List.of());
        assertEquals(List.of(), BY_BEST_PARENT.parents(late));
        assertEquals(List.of("p"), BY_RULE.parents(late));
    }

    @Test
    void aBestParentWithoutAConfidenceIsTakenAsSure() {
        StitchedCall unsure = call("u", 30, 60, List.of("p", "q"), List.of(), "p", null, List.of());
        assertEquals(List.of("p"), BY_BEST_PARENT.parents(unsure));
        assertEquals(1.0, BY_BEST_PARENT.confidence(unsure));
    }

    @Test
    void theOtherParentsAreTheRulesLessTheChosenOneSortedInEitherMode() {
        StitchedCall unsorted = call("y", 30, 60, List.of("z", "q", "p"), List.of(), "q", 0.8, List.of());
        for (ChainEdges edges : List.of(BY_RULE, BY_BEST_PARENT)) {
            assertEquals(List.of("p", "z"), edges.otherParents(unsorted, "q"));
            assertEquals(List.of("p", "q", "z"), edges.otherParents(unsorted, null), "no parent chosen");
        }
        assertEquals(List.of("z", "q", "p"), unsorted.getParents(), "the record is left as it is");
    }

    @Test
    void aModeIsRequired() {
        assertThrows(IllegalArgumentException.class, () -> new ChainEdges(null));
    }

    private static StitchedCall call(String id, long start, long end, List<String> parents, List<String> children,
            @Nullable String bestParent, @Nullable Double confidence, List<String> bestChildren) {
        return new StitchedCall(id, "10.0.0.1", "10.0.0.2", start, end - start, end, parents, children, Status.OK, bestParent,
                confidence, bestChildren);
    }
}
