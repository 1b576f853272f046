package io.callstitch.chains;

import static io.callstitch.chains.WalkFixtures.BY_RULE;
import static io.callstitch.chains.WalkFixtures.call;
import static io.callstitch.chains.WalkFixtures.key;
import static io.callstitch.chains.WalkFixtures.root;
import static io.callstitch.chains.WalkFixtures.waiting;
import static io.callstitch.chains.WalkFixtures.walk;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.callstitch.schema.StitchedCall;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RootLevelsTest {
    // r1: 1→2 [0,100] and r2: 1→2 [0,120] are roots; p: 2→3 [10,90] and q: 2→3 [20,80] are parents in other keys
    private static final StitchedCall R1 = call("r1", "10.0.0.1", "10.0.0.2", 0, 100, List.of(), List.of("p", "q"));
    private static final StitchedCall R2 = call("r2", "10.0.0.1", "10.0.0.2", 0, 120, List.of(), List.of("p", "q"));
    private static final StitchedCall P = call("p", "10.0.0.2", "10.0.0.3", 10, 90, List.of("r1", "r2"), List.of("c"));
    private static final StitchedCall Q = call("q", "10.0.0.2", "10.0.0.3", 20, 80, List.of("r2"), List.of("c"));
    // c: 3→4 [30,60] below both
    private static final StitchedCall C = call("c", "10.0.0.3", "10.0.0.4", 30, 60, List.of("p", "q"), List.of());
    // a: 3→4 [30,50] and b: 4→3 [30,50] are each other's parent (one key); a is also below p
    private static final StitchedCall A = call("a", "10.0.0.3", "10.0.0.4", 30, 50, List.of("b", "p"), List.of("b"));
    private static final StitchedCall B = call("b", "10.0.0.4", "10.0.0.3", 30, 50, List.of("a"), List.of("a"));

    @Test
    void aRootIsLevelOneOfItsOwnChain() {
        RootLevels levels = RootLevels.of(BY_RULE, key(waiting(R1)));
        assertEquals(Map.of("r1", root(R1, 1)), levels.rootsOf("r1"));
    }

    @Test
    void aCallIsOneLevelBelowTheParentItHeardFrom() {
        RootLevels levels = RootLevels.of(BY_RULE, key(waiting(Q, walk(R2, "q", root(R2, 1)))));
        assertEquals(Map.of("r2", root(R2, 2)), levels.rootsOf("q"));
    }

    @Test
    void aCallWhoseParentsAreAllSettledSettlesAtTheLowestLevel() {
        // p is level 2 of r1's chain; q, say below p too, level 3: c is one below the nearer, p
        RootLevels levels = RootLevels.of(BY_RULE, key(waiting(C, walk(P, "c", root(R1, 2)), walk(Q, "c", root(R1, 3)))));
        assertEquals(Map.of("r1", root(R1, 3)), levels.rootsOf("c"));
    }

    @Test
    void aCallBelongsToTheChainOfEveryRootOfItsParentsOneBelowTheNearerParentInEach() {
        RootLevels levels = RootLevels.of(BY_RULE, key(waiting(C, walk(P, "c", root(R1, 2), root(R2, 4)), walk(Q, "c", root(R2, 2)))));
        assertEquals(Map.of("r1", root(R1, 3), "r2", root(R2, 3)), levels.rootsOf("c"));
    }

    @Test
    void callsOfACycleSettlingTogetherTakeTheirLevelsFromEachOther() {
        RootLevels levels = RootLevels.of(BY_RULE, key(waiting(A, walk(P, "a", root(R1, 2))), waiting(B)));
        assertEquals(Map.of("r1", root(R1, 3)), levels.rootsOf("a"));
        assertEquals(Map.of("r1", root(R1, 4)), levels.rootsOf("b"), "one below a");
    }

    @Test
    void aLevelFallsWhenACallSettlingAlongGivesAShorterPath() {
        // a hears r1 from p at level 5 (6 on its own); b hears r1 from q at level 2, so a is 4 through b
        StitchedCall b = call("b", "10.0.0.4", "10.0.0.3", 30, 50, List.of("a", "q"), List.of("a"));
        RootLevels levels = RootLevels.of(BY_RULE, key(waiting(A, walk(P, "a", root(R1, 5))), waiting(b, walk(Q, "b", root(R1, 2)))));
        assertEquals(Map.of("r1", root(R1, 3)), levels.rootsOf("b"));
        assertEquals(Map.of("r1", root(R1, 4)), levels.rootsOf("a"));
    }

    @Test
    void aCycleThatNoRootReachesHasNoRoots() {
        StitchedCall a = call("a", "10.0.0.3", "10.0.0.4", 30, 50, List.of("b"), List.of("b"));
        RootLevels levels = RootLevels.of(BY_RULE, key(waiting(a), waiting(B)));
        assertEquals(Map.of(), levels.rootsOf("a"));
        assertEquals(Map.of(), levels.rootsOf("b"));
    }

    @Test
    void aParentThatDoesNotSettleAlongGivesNoLevels() {
        // a settles without b (say a timed out while b still waits): only what a heard counts
        RootLevels levels = RootLevels.of(BY_RULE, key(waiting(A, walk(P, "a", root(R1, 2)))));
        assertEquals(Map.of("r1", root(R1, 3)), levels.rootsOf("a"));
    }

    @Test
    void askingForACallThatDoesNotSettleIsAMistake() {
        RootLevels levels = RootLevels.of(BY_RULE, key(waiting(R1)));
        assertThrows(IllegalArgumentException.class, () -> levels.rootsOf("p"));
    }
}
