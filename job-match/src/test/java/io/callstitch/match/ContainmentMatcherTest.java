package io.callstitch.match;

import static io.callstitch.match.Fixtures.call;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import io.callstitch.reference.BruteForce;
import io.callstitch.schema.Call;
import org.junit.jupiter.api.Test;

class ContainmentMatcherTest {

    private static Set<String> edges(List<Call> parents, List<Call> children) {
        Set<String> found = new TreeSet<>();
        List<String> all = new ArrayList<>();
        ContainmentMatcher.match(parents, children, (p, c) -> all.add(parents.get(p).getId() + "->" + children.get(c).getId()));
        found.addAll(all);
        assertEquals(all.size(), found.size(), "an edge was reported twice");
        return found;
    }

    /** The reference's reading of the rule, over every pair (the ip half holds by the key). */
    private static Set<String> bruteForce(List<Call> parents, List<Call> children) {
        Set<String> found = new TreeSet<>();
        for (Call p : parents) {
            for (Call c : children) {
                if (BruteForce.containsInTime(p, c)) {
                    found.add(p.getId() + "->" + c.getId());
                }
            }
        }
        return found;
    }

    @Test
    void boundsAreInclusiveOnBothEnds() {
        List<Call> parents = List.of(call("p", "a", "b", 1000, 1500));
        List<Call> children = List.of(
                call("same", "b", "c", 1000, 1500),
                call("sameStart", "b", "c", 1000, 1200),
                call("sameEnd", "b", "c", 1200, 1500),
                call("startsBefore", "b", "c", 999, 1200),
                call("endsAfter", "b", "c", 1200, 1501));
        assertEquals(Set.of("p->same", "p->sameStart", "p->sameEnd"), edges(parents, children));
    }

    @Test
    void aCallIsNeverItsOwnParent() {
        Call selfCall = call("x", "10.0.0.1", "10.0.0.1", 100, 200);
        assertEquals(Set.of(), edges(List.of(selfCall), List.of(selfCall)));
    }

    @Test
    void childGetsEveryContainingParent() {
        List<Call> parents = List.of(call("id1", "10.0.0.1", "10.0.0.3", 1000, 1400), call("id2", "10.0.0.2", "10.0.0.3", 1050, 1400));
        List<Call> children = List.of(call("id3", "10.0.0.3", "10.0.0.4", 1200, 1300));
        assertEquals(Set.of("id1->id3", "id2->id3"), edges(parents, children));
    }

    @Test
    void findsExactlyThePairsOfTheRuleOnRandomCalls() {
        Random random = new Random(7);
        for (int round = 0; round < 300; round++) {
            List<Call> parents = Fixtures.randomCalls(random, "p", random.nextInt(60), 1, 2000, 800);
            List<Call> children = new ArrayList<>(Fixtures.randomCalls(random, "c", random.nextInt(60), 1, 2000, 800));
            // shared ids: the same call as parent and child in one key (a self-call)
            if (!parents.isEmpty()) {
                children.add(parents.get(0));
            }
            assertEquals(bruteForce(parents, children), edges(parents, children), "round " + round);
        }
    }
}
