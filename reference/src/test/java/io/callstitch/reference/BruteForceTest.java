package io.callstitch.reference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callstitch.schema.Call;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BruteForceTest {
    @Test
    void sortedScanFindsWhatEveryPairFinds() {
        for (long seed = 1; seed <= 6; seed++) {
            // few ips and a coarse clock: many equal starts and ends, equal intervals, back-and-forth pairs
            List<Call> calls = RandomCalls.generate(seed, 1500, 4, 1_000_000L, 20_000L, 3_000L, seed % 2 == 0 ? 100 : 1);
            Map<String, BruteForce.Expected> fast = BruteForce.stitch(calls);
            Map<String, BruteForce.Expected> literal = BruteForce.stitchAllPairs(calls);
            assertEquals(lists(literal), lists(fast), "seed " + seed);
            assertTrue(literal.values().stream().mapToInt(e -> e.children.size()).sum() > 1000, "the data has edges");
        }
    }

    @Test
    void seedExampleOne() {
        List<Call> calls = List.of(new Call("id1", "10.0.0.1", "10.0.0.2", 1000L, 500L, 1500L),
                new Call("id2", "10.0.0.2", "10.0.0.3", 1100L, 200L, 1300L),
                new Call("id3", "10.0.0.3", "10.0.0.4", 1120L, 100L, 1220L));
        Map<String, BruteForce.Expected> expected = BruteForce.stitch(calls);
        assertEquals(List.of("id2"), expected.get("id1").childList());
        assertEquals(List.of("id1"), expected.get("id2").parentList());
        assertEquals(List.of("id3"), expected.get("id2").childList());
        assertEquals(List.of("id2"), expected.get("id3").parentList());
        assertEquals(List.of(), expected.get("id3").childList());
    }

    private static List<String> lists(Map<String, BruteForce.Expected> expected) {
        List<String> out = new ArrayList<>();
        expected.forEach((id, e) -> out.add(id + " " + e.parentList() + " " + e.childList()));
        return out;
    }
}
