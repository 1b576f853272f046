package io.callstitch.chains;

import static io.callstitch.chains.WalkFixtures.BY_RULE;
import static io.callstitch.chains.WalkFixtures.call;
import static io.callstitch.chains.WalkFixtures.key;
import static io.callstitch.chains.WalkFixtures.root;
import static io.callstitch.chains.WalkFixtures.waiting;
import static io.callstitch.chains.WalkFixtures.walk;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callstitch.schema.ChainMessage;
import io.callstitch.schema.ChainMessageKind;
import io.callstitch.schema.ChainRoot;
import io.callstitch.schema.ChainState;
import io.callstitch.schema.StitchedCall;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Each test is one key of the walk: the calls waiting in it share an interval; their parents elsewhere are in other keys. */
class CallSettlementTest {
    private static final long NO_DEADLINE_PASSED = Long.MIN_VALUE;

    // r: 1→2 [0,100] and s: 1→2 [0,90] are roots, in keys of their own
    private static final StitchedCall R = call("r", "10.0.0.1", "10.0.0.2", 0, 100, List.of(), List.of("p", "x"));
    private static final StitchedCall S = call("s", "10.0.0.1", "10.0.0.2", 0, 90, List.of(), List.of("x"));
    // x: 2→3 [10,80] is below both
    private static final StitchedCall X = call("x", "10.0.0.2", "10.0.0.3", 10, 80, List.of("r", "s"), List.of());
    // in key [10,50]: a: 2→3 and b: 3→2 are each other's parent, a is below r; c: 3→4 is below a
    private static final StitchedCall A = call("a", "10.0.0.2", "10.0.0.3", 10, 50, List.of("b", "r"), List.of("b", "c"));
    private static final StitchedCall B = call("b", "10.0.0.3", "10.0.0.2", 10, 50, List.of("a"), List.of("a"));
    private static final StitchedCall C = call("c", "10.0.0.3", "10.0.0.4", 10, 50, List.of("a"), List.of());

    @Test
    void aRootSettlesAtOnceAtLevelOneOfItsOwnChain() {
        CallSettlement settlement = CallSettlement.of(BY_RULE, key(waiting(R)), NO_DEADLINE_PASSED);
        assertEquals(List.of("r"), settlement.settled());
        assertFalse(settlement.timedOut("r"));
        assertEquals(Map.of("r", root(R, 1)), settlement.rootsOf("r"));
    }

    @Test
    void aCallWaitsUntilEachParentInAnotherKeyHasSentItsRoots() {
        assertEquals(List.of(), CallSettlement.of(BY_RULE, key(waiting(X, walk(R, "x", root(R, 1)))), NO_DEADLINE_PASSED).settled());

        CallSettlement settlement = CallSettlement.of(BY_RULE, key(waiting(X, walk(R, "x", root(R, 1)), walk(S, "x", root(S, 1)))),
                NO_DEADLINE_PASSED);
        assertEquals(List.of("x"), settlement.settled());
        assertEquals(Map.of("r", root(R, 2), "s", root(S, 2)), settlement.rootsOf("x"));
    }

    @Test
    void aCycleWaitsForItsParentOutsideAndThenSettlesTogether() {
        assertEquals(List.of(), CallSettlement.of(BY_RULE, key(waiting(A), waiting(B)), NO_DEADLINE_PASSED).settled());

        CallSettlement settlement = CallSettlement.of(BY_RULE, key(waiting(A, walk(R, "a", root(R, 1))), waiting(B)), NO_DEADLINE_PASSED);
        assertEquals(List.of("a", "b"), settlement.settled());
        assertEquals(Map.of("r", root(R, 2)), settlement.rootsOf("a"));
        assertEquals(Map.of("r", root(R, 3)), settlement.rootsOf("b"));
    }

    @Test
    void aCallBelowAnUnsettledCallOfItsKeyWaitsWithItAndSettlesWithIt() {
        assertEquals(List.of(), CallSettlement.of(BY_RULE, key(waiting(A), waiting(B), waiting(C)), NO_DEADLINE_PASSED).settled());

        CallSettlement settlement = CallSettlement.of(BY_RULE, key(waiting(C), waiting(B), waiting(A, walk(R, "a", root(R, 1)))),
                NO_DEADLINE_PASSED);
        assertEquals(List.of("a", "b", "c"), settlement.settled(), "in id order");
        assertEquals(Map.of("r", root(R, 3)), settlement.rootsOf("c"));
    }

    @Test
    void aCallPastItsDeadlineSettlesWithTheRootsItHasHeardOf() {
        // x never hears from s
        Map<String, ChainState> key = key(waiting(X, 500, walk(R, "x", root(R, 1))));
        assertEquals(List.of(), CallSettlement.of(BY_RULE, key, 499).settled());

        CallSettlement settlement = CallSettlement.of(BY_RULE, key, 500);
        assertEquals(List.of("x"), settlement.settled());
        assertTrue(settlement.timedOut("x"));
        assertEquals(Map.of("r", root(R, 2)), settlement.rootsOf("x"));
    }

    @Test
    void theCallsBelowACallThatTimedOutSettleWithItOnTime() {
        // p: 2→3 [10,50] never hears from s; c below it in the same key
        StitchedCall p = call("p", "10.0.0.2", "10.0.0.3", 10, 50, List.of("r", "s"), List.of("c"));
        StitchedCall c = call("c", "10.0.0.3", "10.0.0.4", 10, 50, List.of("p"), List.of());
        CallSettlement settlement = CallSettlement.of(BY_RULE, key(waiting(p, 500, walk(R, "p", root(R, 1))), waiting(c)), 500);
        assertEquals(List.of("c", "p"), settlement.settled());
        assertTrue(settlement.timedOut("p"));
        assertFalse(settlement.timedOut("c"));
        assertEquals(Map.of("r", root(R, 3)), settlement.rootsOf("c"));
    }

    @Test
    void aSettledCallSendsItsRootsToEachChildThenReportsToEachRoot() {
        // m: 3→4 [10,80] below p: 2→3 [5,95] (level 2 of r's chain) and q: 2→3 [5,85] (level 2 of s's); children y then w
        StitchedCall p = call("p", "10.0.0.2", "10.0.0.3", 5, 95, List.of("r"), List.of("m"));
        StitchedCall q = call("q", "10.0.0.2", "10.0.0.3", 5, 85, List.of("s"), List.of("m"));
        StitchedCall m = call("m", "10.0.0.3", "10.0.0.4", 10, 80, List.of("p", "q"), List.of("y", "w"));
        CallSettlement settlement = CallSettlement.of(BY_RULE, key(waiting(m, walk(q, "m", root(S, 2)), walk(p, "m", root(R, 2)))),
                NO_DEADLINE_PASSED);
        List<ChainRoot> roots = List.of(root(R, 3), root(S, 3));
        assertEquals(List.of(walkTo("y", m, roots), walkTo("w", m, roots), reportTo(R, m, 3), reportTo(S, m, 3)), settlement.messages("m"));
    }

    @Test
    void aRootReportsToItselfOnlyWhenItHasChildren() {
        assertEquals(List.of(walkTo("p", R, List.of(root(R, 1))), walkTo("x", R, List.of(root(R, 1))), reportTo(R, R, 1)),
                CallSettlement.of(BY_RULE, key(waiting(R)), NO_DEADLINE_PASSED).messages("r"));

        StitchedCall alone = call("alone", "10.0.0.1", "10.0.0.2", 0, 100, List.of(), List.of());
        assertEquals(List.of(), CallSettlement.of(BY_RULE, key(waiting(alone)), NO_DEADLINE_PASSED).messages("alone"));
    }

    @Test
    void aCycleThatNoRootReachesSettlesAtOnceAndReportsToNoOne() {
        StitchedCall a = call("a", "10.0.0.2", "10.0.0.3", 10, 50, List.of("b"), List.of("b"));
        CallSettlement settlement = CallSettlement.of(BY_RULE, key(waiting(a), waiting(B)), NO_DEADLINE_PASSED);
        assertEquals(List.of("a", "b"), settlement.settled());
        assertEquals(List.of(walkTo("b", a, List.of())), settlement.messages("a"));
        assertEquals(List.of(walkTo("a", B, List.of())), settlement.messages("b"));
    }

    @Test
    void theParentsWithRootsAreThoseHeardFromAndThoseSettlingAlong() {
        CallSettlement settlement = CallSettlement.of(BY_RULE, key(waiting(A, walk(R, "a", root(R, 1))), waiting(B)), NO_DEADLINE_PASSED);
        assertEquals(Map.of(R, Map.of("r", root(R, 1)), B, Map.of("r", root(R, 3))), settlement.parentsWithRoots("a"));
        assertEquals(Map.of(A, Map.of("r", root(R, 2))), settlement.parentsWithRoots("b"));
    }

    @Test
    void aParentStillWaitingIsNotAmongTheParentsWithRootsOfACallThatTimedOut() {
        // b timed out; its parent a still waits for r
        CallSettlement settlement = CallSettlement.of(BY_RULE, key(waiting(A), waiting(B, 500)), 500);
        assertEquals(List.of("b"), settlement.settled());
        assertEquals(Map.of(), settlement.parentsWithRoots("b"));
        assertEquals(Map.of(), settlement.rootsOf("b"));
        assertEquals(List.of(walkTo("a", B, List.of())), settlement.messages("b"));
    }

    @Test
    void askingForACallThatDoesNotSettleIsAMistake() {
        CallSettlement settlement = CallSettlement.of(BY_RULE, key(waiting(A), waiting(B)), NO_DEADLINE_PASSED);
        assertThrows(IllegalArgumentException.class, () -> settlement.messages("a"));
        assertThrows(IllegalArgumentException.class, () -> settlement.parentsWithRoots("a"));
    }

    private static ChainMessage walkTo(String child, StitchedCall sender, List<ChainRoot> roots) {
        return ChainMessage.newBuilder().setKind(ChainMessageKind.WALK).setTarget(child).setCall(sender).setRoots(roots).build();
    }

    private static ChainMessage reportTo(StitchedCall root, StitchedCall sender, int level) {
        return ChainMessage.newBuilder().setKind(ChainMessageKind.REPORT).setTarget(root.getId())
                .setTargetStartAtMs(root.getStartAtMs()).setTargetEndAtMs(root.getEndAtMs())
                .setCall(sender).setRoots(List.of(root(root, level))).build();
    }
}
