package io.callstitch.chains;

import static io.callstitch.chains.WalkFixtures.BY_BEST_PARENT;
import static io.callstitch.chains.WalkFixtures.BY_RULE;
import static io.callstitch.chains.WalkFixtures.call;
import static io.callstitch.chains.WalkFixtures.root;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callstitch.schema.ChainRoot;
import io.callstitch.schema.Status;
import io.callstitch.schema.StitchedCall;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ZipkinParentChoiceTest {
    // roots r1: 1→2 [0,100], r2: 1→2 [0,120]; p: 2→3 [10,90] (80 ms) and q: 2→3 [20,80] (60 ms) both contain x: 3→4 [30,60]
    private static final StitchedCall R1 = call("r1", "10.0.0.1", "10.0.0.2", 0, 100, List.of(), List.of("p", "q"));
    private static final StitchedCall R2 = call("r2", "10.0.0.1", "10.0.0.2", 0, 120, List.of(), List.of("p", "q"));
    private static final StitchedCall P = call("p", "10.0.0.2", "10.0.0.3", 10, 90, List.of("r1", "r2"), List.of("x"));
    private static final StitchedCall Q = call("q", "10.0.0.2", "10.0.0.3", 20, 80, List.of("r1", "r2"), List.of("x"));
    private static final StitchedCall X = call("x", "10.0.0.3", "10.0.0.4", 30, 60, List.of("p", "q"), List.of());

    @Test
    void theTraceIsThatOfTheNearestRoot() {
        ZipkinParentChoice choice = ZipkinParentChoice.of(BY_RULE, X, Map.of("r1", root(R1, 4), "r2", root(R2, 3)),
                Map.of(P, Map.of("r1", root(R1, 3), "r2", root(R2, 2))));
        assertEquals("r2", choice.traceRootId());
        assertTrue(choice.rooted());
        assertEquals("p", choice.parentId());
    }

    @Test
    void ofRootsAsNearAsEachOtherTheTraceIsThatOfTheSmallestId() {
        ZipkinParentChoice choice = ZipkinParentChoice.of(BY_RULE, X, Map.of("r2", root(R2, 3), "r1", root(R1, 3)), Map.of());
        assertEquals("r1", choice.traceRootId());
    }

    @Test
    void theParentIsTheTightestOfTheParentsOneLevelUpInTheTraceRootsChain() {
        ZipkinParentChoice choice = ZipkinParentChoice.of(BY_RULE, X, Map.of("r1", root(R1, 3)),
                Map.of(P, Map.of("r1", root(R1, 2)), Q, Map.of("r1", root(R1, 2))));
        assertEquals("q", choice.parentId(), "60 ms within 80 ms");
        assertEquals(List.of("p"), choice.otherParents());
    }

    @Test
    void aTighterParentFartherFromTheTraceRootIsNotChosen() {
        // q hangs below p in r1's chain: x, one below p, is on the level of q
        ZipkinParentChoice choice = ZipkinParentChoice.of(BY_RULE, X, Map.of("r1", root(R1, 3)),
                Map.of(P, Map.of("r1", root(R1, 2)), Q, Map.of("r1", root(R1, 3))));
        assertEquals("p", choice.parentId());
        assertEquals(List.of("q"), choice.otherParents());
    }

    @Test
    void aParentOnlyInTheChainOfAnotherRootIsNotChosen() {
        ZipkinParentChoice choice = ZipkinParentChoice.of(BY_RULE, X, Map.of("r1", root(R1, 3), "r2", root(R2, 3)),
                Map.of(P, Map.of("r1", root(R1, 2)), Q, Map.of("r2", root(R2, 2))));
        assertEquals("r1", choice.traceRootId());
        assertEquals("p", choice.parentId());
    }

    @Test
    void ofParentsAsTightAsEachOtherTheLatestStartIsChosenThenTheSmallestId() {
        StitchedCall early = call("early", "10.0.0.2", "10.0.0.3", 20, 80, List.of("r1"), List.of("x"));
        StitchedCall late = call("late", "10.0.0.2", "10.0.0.3", 25, 85, List.of("r1"), List.of("x"));
        // twin: the interval of late, and a larger id
        StitchedCall twin = call("twin", "10.0.0.2", "10.0.0.3", 25, 85, List.of("r1"), List.of("x"));
        Map<String, ChainRoot> levelTwo = Map.of("r1", root(R1, 2));
        assertEquals("late", ZipkinParentChoice.of(BY_RULE, X, Map.of("r1", root(R1, 3)), Map.of(early, levelTwo, late, levelTwo)).parentId());
        assertEquals("late", ZipkinParentChoice.of(BY_RULE, X, Map.of("r1", root(R1, 3)),
                Map.of(early, levelTwo, twin, levelTwo, late, levelTwo)).parentId());
    }

    @Test
    void aRootIsTheRootOfItsOwnTraceWithoutAParent() {
        ZipkinParentChoice choice = ZipkinParentChoice.of(BY_RULE, R1, Map.of("r1", root(R1, 1)), Map.of());
        assertEquals("r1", choice.traceRootId());
        assertTrue(choice.rooted());
        assertNull(choice.parentId());
        assertEquals(List.of(), choice.otherParents());
    }

    @Test
    void aCallThatNoRootReachesIsATraceOfItsOwnWithoutAParent() {
        // a: 2→3 and b: 3→2 over [10,50] are each other's parent, with no parent outside
        StitchedCall a = call("a", "10.0.0.2", "10.0.0.3", 10, 50, List.of("b"), List.of("b"));
        StitchedCall b = call("b", "10.0.0.3", "10.0.0.2", 10, 50, List.of("a"), List.of("a"));
        ZipkinParentChoice choice = ZipkinParentChoice.of(BY_RULE, a, Map.of(), Map.of(b, Map.of()));
        assertEquals("a", choice.traceRootId());
        assertFalse(choice.rooted());
        assertNull(choice.parentId());
        assertEquals(List.of("b"), choice.otherParents());
    }

    @Test
    void followingBestParentsTheOtherParentsAreTheRulesLessTheChosenOneSorted() {
        // the rule's parents, not in order; q is the best parent
        StitchedCall x = new StitchedCall("x", "10.0.0.3", "10.0.0.4", 30L, 30L, 60L, List.of("z", "q", "p"), List.of(), Status.OK, "q", 0.8,
                List.of());
        ZipkinParentChoice choice = ZipkinParentChoice.of(BY_BEST_PARENT, x, Map.of("r1", root(R1, 3)), Map.of(Q, Map.of("r1", root(R1, 2))));
        assertEquals("q", choice.parentId());
        assertEquals(List.of("p", "z"), choice.otherParents());
    }
}
