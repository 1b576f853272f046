package io.callstitch.simulator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import io.callstitch.reference.BruteForce;
import io.callstitch.schema.Call;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SimulationTest {
    private static final long START = 1_700_000_000_000L;

    private static Map<String, Call> byId(Simulation simulation) {
        Map<String, Call> calls = new HashMap<>();
        simulation.calls().forEach(call -> calls.put(call.getId(), call));
        return calls;
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3})
    void withoutClockSkewEveryTrueParentSatisfiesTheRule(long seed) {
        Simulation simulation = Simulation.run(SimulatorConfig.clean(3000, 200, seed, START));
        Map<String, Call> calls = byId(simulation);
        int edges = 0;
        for (Call child : simulation.calls()) {
            String parentId = simulation.truthParents().get(child.getId());
            if (parentId == null) {
                assertTrue(child.getSrcIp().startsWith("10.200."), "only clients make root calls: " + child);
                continue;
            }
            Call parent = calls.get(parentId);
            assertTrue(BruteForce.isEdge(parent, child), parent + " / " + child);
            edges++;
        }
        assertTrue(edges > 2000);
    }

    @Test
    void aParentWorksBeforeBetweenAndAfterItsChildren() {
        Simulation simulation = Simulation.run(SimulatorConfig.clean(2000, 100, 4, START));
        Map<String, Call> calls = byId(simulation);
        for (Call child : simulation.calls()) {
            String parentId = simulation.truthParents().get(child.getId());
            if (parentId != null) {
                Call parent = calls.get(parentId);
                assertTrue(parent.getStartAtMs() < child.getStartAtMs() && parent.getEndAtMs() > child.getEndAtMs(), parent + " / " + child);
            }
        }
    }

    @Test
    void callTreesReachDepthEightWithParallelSiblingsAndACallback() {
        assertEquals(8, SystemModel.REQUEST_TYPES.stream().mapToInt(type -> type.root.depth()).max().getAsInt());
        Simulation simulation = Simulation.run(SimulatorConfig.clean(5000, 100, 5, START));
        Map<String, Call> calls = byId(simulation);
        int deepest = 0;
        boolean overlappingSiblings = false;
        boolean callback = false;
        Map<String, List<Call>> childrenOf = new HashMap<>();
        for (Call call : simulation.calls()) {
            int depth = 1;
            String parent = simulation.truthParents().get(call.getId());
            Set<String> servicesAbove = new HashSet<>();
            while (parent != null) {
                servicesAbove.add(service(calls.get(parent).getDstIp()));
                depth++;
                parent = simulation.truthParents().get(parent);
            }
            deepest = Math.max(deepest, depth);
            String parentId = simulation.truthParents().get(call.getId());
            callback |= parentId != null && servicesAbove.contains(service(call.getDstIp()));
            if (parentId != null) {
                childrenOf.computeIfAbsent(parentId, p -> new java.util.ArrayList<>()).add(call);
            }
        }
        for (List<Call> siblings : childrenOf.values()) {
            for (Call a : siblings) {
                for (Call b : siblings) {
                    overlappingSiblings |= a != b && a.getStartAtMs() < b.getEndAtMs() && b.getStartAtMs() < a.getEndAtMs();
                }
            }
        }
        assertEquals(8, deepest);
        assertTrue(overlappingSiblings, "parallel calls overlap");
        assertTrue(callback, "some request calls back into a service met earlier");
    }

    private static String service(String ip) {
        return ip.substring(0, ip.indexOf('.', 3));
    }

    @Test
    void latenciesFollowTheProfile() {
        Simulation simulation = Simulation.run(SimulatorConfig.clean(20_000, 200, 6, START));
        long under300 = simulation.calls().stream().filter(call -> call.getLatencyMsec() < 300).count();
        assertTrue(under300 >= 0.9 * simulation.calls().size(), under300 + " of " + simulation.calls().size());
        assertTrue(under300 < simulation.calls().size(), "a long tail exists");
        assertTrue(simulation.calls().stream().allMatch(call -> call.getLatencyMsec() <= 20_000));
    }

    @Test
    void deliveryStaysWithinTheDisorderBound() {
        Simulation simulation = Simulation.run(SimulatorConfig.clean(5000, 200, 7, START).withDisorder(3000));
        Map<String, Call> calls = byId(simulation);
        long newestEnd = Long.MIN_VALUE;
        boolean outOfOrder = false;
        for (byte[] record : simulation.records()) {
            Call call = calls.get(idOf(record));
            outOfOrder |= call.getEndAtMs() < newestEnd;
            assertTrue(newestEnd == Long.MIN_VALUE || call.getEndAtMs() > newestEnd - 3000, "more than the bound behind: " + call);
            newestEnd = Math.max(newestEnd, call.getEndAtMs());
        }
        assertTrue(outOfOrder);
    }

    @Test
    void duplicatesAreIdenticalAndMalformedRecordsAreExtra() {
        Simulation simulation = Simulation.run(new SimulatorConfig(3000, 200, 8, START, 20_000, 1000, 0, 0.05, 0.02));
        Map<String, Integer> seen = new HashMap<>();
        int malformed = 0;
        for (byte[] record : simulation.records()) {
            String text = new String(record, StandardCharsets.UTF_8);
            if (text.contains("\"bad-")) {
                malformed++;
                continue;
            }
            seen.merge(text, 1, Integer::sum);
        }
        assertEquals(simulation.calls().size(), seen.size(), "every call delivered");
        assertEquals(simulation.duplicates(), seen.values().stream().filter(n -> n == 2).count());
        assertTrue(simulation.duplicates() > 50);
        assertEquals(simulation.malformed(), malformed);
        assertEquals(Math.round(0.02 * simulation.calls().size()), malformed);
        assertFalse(simulation.truthParents().keySet().stream().anyMatch(id -> id.startsWith("bad-")));
    }

    @Test
    void clockSkewStampsEachCallerWithItsOwnOffset() {
        Simulation straight = Simulation.run(SimulatorConfig.clean(2000, 100, 9, START));
        Simulation skewed = Simulation.run(new SimulatorConfig(2000, 100, 9, START, 20_000, 0, 50, 0, 0));
        int moved = 0;
        for (int i = 0; i < straight.calls().size(); i++) {
            Call a = straight.calls().get(i);
            Call b = skewed.calls().get(i);
            assertEquals(a.getLatencyMsec(), b.getLatencyMsec());
            assertTrue(Math.abs(a.getStartAtMs() - b.getStartAtMs()) <= 50);
            moved += a.getStartAtMs() != b.getStartAtMs() ? 1 : 0;
        }
        assertTrue(moved > 1000);
    }

    @Test
    void theSameSeedGivesTheSameBytes() {
        List<byte[]> first = Simulation.run(SimulatorConfig.clean(2000, 100, 10, START).withDisorder(2000)).records();
        List<byte[]> second = Simulation.run(SimulatorConfig.clean(2000, 100, 10, START).withDisorder(2000)).records();
        assertEquals(first.size(), second.size());
        for (int i = 0; i < first.size(); i++) {
            assertArrayEquals(first.get(i), second.get(i));
        }
    }

    private static String idOf(byte[] record) {
        String text = new String(record, StandardCharsets.UTF_8);
        int start = text.indexOf("\"id\":\"") + 6;
        return text.substring(start, text.indexOf('"', start));
    }
}
