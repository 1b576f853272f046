package io.callstitch.chains;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.callstitch.chains.check.ChainsLoop;
import io.callstitch.schema.ChainHop;
import io.callstitch.schema.ChainStatus;
import io.callstitch.schema.ChainSummary;
import io.callstitch.schema.PathHop;
import io.callstitch.schema.Status;
import io.callstitch.schema.StitchedCall;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.apache.flink.api.java.tuple.Tuple2;
import org.junit.jupiter.api.Test;

/**
 * Chains small enough to sum up by hand. Each expected value below is worked out in the comment
 * next to it, from the definitions in docs/chains.md; the summary must hold exactly these values,
 * computed on its own ({@link ChainStatistics}) and through the job's walk ({@link ChainsLoop}),
 * whatever the order the calls and walk messages come in.
 */
class HandBuiltChainsTest {
    private static final int ORDERS = 20;
    private static final ChainEdges BY_RULE = new ChainEdges(ChainsOptions.ChainsBy.RULE);

    // r: 1→2 [0,100] ⊃ a: 2→3 [10,80] ⊃ b: 3→4 [20,50]
    static final List<StitchedCall> LINEAR = List.of(
            call("r", "10.0.0.1", "10.0.0.2", 0, 100, List.of(), List.of("a")),
            call("a", "10.0.0.2", "10.0.0.3", 10, 80, List.of("r"), List.of("b")),
            call("b", "10.0.0.3", "10.0.0.4", 20, 50, List.of("a"), List.of()));
    static final ChainSummary LINEAR_SUMMARY = summary("r", "10.0.0.1", "10.0.0.2", 0, 100, 3, 3,
            // r: 100 less a's 70 = 30; a: 70 less b's 30 = 40; b: no children, 30
            List.of(hop("r", "10.0.0.1", "10.0.0.2", 0, 100, 30), hop("a", "10.0.0.2", "10.0.0.3", 10, 70, 40),
                    hop("b", "10.0.0.3", "10.0.0.4", 20, 30, 30)),
            // a starts 10 after r, b 10 after a
            List.of(edge("a", "b", 30, 10), edge("r", "a", 70, 10)));

    // r: 1→2 [0,100] has a: 2→3 [10,40] and b: 2→4 [30,90]; b has c: 4→5 [40,60]
    static final List<StitchedCall> BRANCHING = List.of(
            call("r", "10.0.0.1", "10.0.0.2", 0, 100, List.of(), List.of("a", "b")),
            call("a", "10.0.0.2", "10.0.0.3", 10, 40, List.of("r"), List.of()),
            call("b", "10.0.0.2", "10.0.0.4", 30, 90, List.of("r"), List.of("c")),
            call("c", "10.0.0.4", "10.0.0.5", 40, 60, List.of("b"), List.of()));
    static final ChainSummary BRANCHING_SUMMARY = summary("r", "10.0.0.1", "10.0.0.2", 0, 100, 4, 3,
            // r: a and b together cover [10,90] = 80, so 20; b (60) is slower than a (30): 60 less c's 20 = 40; c: 20
            List.of(hop("r", "10.0.0.1", "10.0.0.2", 0, 100, 20), hop("b", "10.0.0.2", "10.0.0.4", 30, 60, 40),
                    hop("c", "10.0.0.4", "10.0.0.5", 40, 20, 20)),
            List.of(edge("b", "c", 20, 10), edge("r", "a", 30, 10), edge("r", "b", 60, 30)));

    // r: 1→2 [0,100] has p: 2→3 [10,90] and q: 2→3 [20,80]; c: 3→4 [30,60] is a child of both
    static final List<StitchedCall> MULTI_PARENT = List.of(
            call("r", "10.0.0.1", "10.0.0.2", 0, 100, List.of(), List.of("p", "q")),
            call("p", "10.0.0.2", "10.0.0.3", 10, 90, List.of("r"), List.of("c")),
            call("q", "10.0.0.2", "10.0.0.3", 20, 80, List.of("r"), List.of("c")),
            call("c", "10.0.0.3", "10.0.0.4", 30, 60, List.of("p", "q"), List.of()));
    static final ChainSummary MULTI_PARENT_SUMMARY = summary("r", "10.0.0.1", "10.0.0.2", 0, 100, 4, 3,
            // c counts once, on level 3; r: p ∪ q = [10,90], so 20; p (80) is slower than q (60): 80 less 30 = 50; c: 30
            List.of(hop("r", "10.0.0.1", "10.0.0.2", 0, 100, 20), hop("p", "10.0.0.2", "10.0.0.3", 10, 80, 50),
                    hop("c", "10.0.0.3", "10.0.0.4", 30, 30, 30)),
            List.of(edge("p", "c", 30, 20), edge("q", "c", 30, 10), edge("r", "p", 80, 10), edge("r", "q", 60, 20)));

    // r: 1→2 [0,100] has a: 2→3 [10,50]; b: 3→2 [10,50] has a's interval: a and b are each other's parent
    static final List<StitchedCall> CYCLE = List.of(
            call("r", "10.0.0.1", "10.0.0.2", 0, 100, List.of(), List.of("a")),
            call("a", "10.0.0.2", "10.0.0.3", 10, 50, List.of("b", "r"), List.of("b")),
            call("b", "10.0.0.3", "10.0.0.2", 10, 50, List.of("a"), List.of("a")));
    static final ChainSummary CYCLE_SUMMARY = summary("r", "10.0.0.1", "10.0.0.2", 0, 100, 3, 3,
            // r: 100 less a's 40 = 60; a: b covers it all, 0; b: a covers it all, 0; the path stops at b, as a is on it
            List.of(hop("r", "10.0.0.1", "10.0.0.2", 0, 100, 60), hop("a", "10.0.0.2", "10.0.0.3", 10, 40, 0),
                    hop("b", "10.0.0.3", "10.0.0.2", 10, 40, 0)),
            List.of(edge("a", "b", 40, 0), edge("b", "a", 40, 0), edge("r", "a", 40, 10)));

    @Test
    void statisticsOfEachChainAreTheHandWorkedOnes() {
        assertEquals(LINEAR_SUMMARY, summarize("r", LINEAR));
        assertEquals(BRANCHING_SUMMARY, summarize("r", BRANCHING));
        assertEquals(MULTI_PARENT_SUMMARY, summarize("r", MULTI_PARENT));
        assertEquals(CYCLE_SUMMARY, summarize("r", CYCLE));
    }

    @Test
    void aSummaryListsAtMostMaxHopsAndCountsTheRest() {
        ChainSummary summary = ChainStatistics.summarize(BY_RULE, "r", MULTI_PARENT, ChainStatus.COMPLETE, 0, 3);
        assertEquals(MULTI_PARENT_SUMMARY.getHops().subList(0, 3), summary.getHops());
        assertEquals(1, summary.getHopsOmitted());
        assertEquals(4, summary.getCalls(), "the other statistics still cover the whole chain");
    }

    @Test
    void theWalkWritesEachChainOnceWithTheHandWorkedStatisticsInAnyOrder() throws Exception {
        Map<List<StitchedCall>, ChainSummary> cases = Map.of(LINEAR, LINEAR_SUMMARY, BRANCHING, BRANCHING_SUMMARY,
                MULTI_PARENT, MULTI_PARENT_SUMMARY, CYCLE, CYCLE_SUMMARY);
        for (Map.Entry<List<StitchedCall>, ChainSummary> chain : cases.entrySet()) {
            for (int seed = 0; seed < ORDERS; seed++) {
                List<StitchedCall> calls = new ArrayList<>(chain.getKey());
                Collections.shuffle(calls, new Random(seed));
                try (ChainsLoop loop = new ChainsLoop(seed, 60_000)) {
                    loop.run(calls);
                    assertEquals(List.of(chain.getValue()), loop.summaries(), "seed " + seed);
                    assertEquals(calls.size(), loop.spans().size(), "one span per call, seed " + seed);
                    assertEquals("route: 0 state entries, 0 timers; walk: 0 state entries, 0 timers", loop.leftOver());
                }
            }
        }
    }

    @Test
    void aCycleWithNoRootAboveItEndsWithoutAChainAndItsCallsAreTracesOfTheirOwn() throws Exception {
        List<StitchedCall> calls = List.of(
                call("a", "10.0.0.2", "10.0.0.3", 10, 50, List.of("b"), List.of("b")),
                call("b", "10.0.0.3", "10.0.0.2", 10, 50, List.of("a"), List.of("a")));
        try (ChainsLoop loop = new ChainsLoop(7, 60_000)) {
            loop.run(calls);
            assertEquals(List.of(), loop.summaries());
            Map<String, String> traceBySpan = new TreeMap<>();
            for (Tuple2<String, String> span : loop.spans()) {
                traceBySpan.put(span.f1.replaceAll(".*\"callstitch.id\":\"([^\"]*)\".*", "$1"), span.f0);
            }
            assertEquals(Map.of("a", ZipkinIds.traceId("a"), "b", ZipkinIds.traceId("b")), traceBySpan);
            assertEquals("route: 0 state entries, 0 timers; walk: 0 state entries, 0 timers", loop.leftOver());
        }
    }

    @Test
    void callsAndChainsWaitingForWhatNeverComesAreEndedByTheTimeouts() throws Exception {
        // a's record names a parent x that never comes; r names a child z that never comes
        List<StitchedCall> calls = List.of(
                call("r", "10.0.0.1", "10.0.0.2", 0, 100, List.of(), List.of("a", "z")),
                call("a", "10.0.0.2", "10.0.0.3", 10, 80, List.of("r", "x"), List.of()));
        try (ChainsLoop loop = new ChainsLoop(3, 60_000)) {
            loop.run(calls);
            assertEquals(List.of(), loop.summaries(), "a waits for x");
            assertEquals(1, loop.walkGauge("waitingCalls"), "a");
            assertEquals(1, loop.walkGauge("openChains"), "r's");
            loop.advanceProcessingTime(60_000);
            assertEquals(0, loop.walkGauge("waitingCalls"));
            assertEquals(List.of(), loop.summaries(), "a settled with the roots it had and reported; r's chain waits for z");
            loop.advanceProcessingTime(60_000 + 2 * 60_000);
            assertEquals(1, loop.summaries().size());
            ChainSummary summary = loop.summaries().get(0);
            assertEquals(ChainStatus.TIMED_OUT, summary.getStatus());
            assertEquals(2, summary.getCalls(), "r and a");
            assertEquals(1, summary.getMissingCalls(), "z");
            assertEquals(2, loop.spans().size());
            assertEquals(0, loop.walkGauge("openChains"));
            assertEquals("route: 0 state entries, 0 timers; walk: 0 state entries, 0 timers", loop.leftOver());
        }
    }

    private static ChainSummary summarize(String root, List<StitchedCall> calls) {
        return ChainStatistics.summarize(BY_RULE, root, calls, ChainStatus.COMPLETE, 0, 5000);
    }

    static StitchedCall call(String id, String src, String dst, long start, long end, List<String> parents, List<String> children) {
        return new StitchedCall(id, src, dst, start, end - start, end, parents, children, Status.OK, null, null, List.of());
    }

    private static ChainSummary summary(String root, String src, String dst, long start, long duration, int calls, int depth,
            List<PathHop> path, List<ChainHop> hops) {
        return new ChainSummary(root, src, dst, start, duration, calls, depth, ChainStatus.COMPLETE, 0, ZipkinIds.traceId(root),
                path, hops, 0, 1.0);
    }

    private static PathHop hop(String id, String src, String dst, long start, long latency, long selfTime) {
        return new PathHop(id, src, dst, start, latency, selfTime);
    }

    private static ChainHop edge(String parent, String child, long childLatency, long offset) {
        return new ChainHop(parent, child, childLatency, offset);
    }
}
