package io.callstitch.chains;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callstitch.reference.BruteForce;
import io.callstitch.reference.BruteForceChains;
import io.callstitch.chains.check.ChainsLoop;
import io.callstitch.schema.Call;
import io.callstitch.schema.ChainStatus;
import io.callstitch.schema.ChainSummary;
import io.callstitch.schema.Status;
import io.callstitch.schema.StitchedCall;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.api.java.tuple.Tuple2;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Random calls over a few hosts and a short time, so that chains nest, branch, share calls, and
 * equal intervals make cycles; the parents and children come from the rule applied to every pair.
 * The walk must write exactly the chains a brute-force walk finds, and one span per call in the
 * trace and under the parent the definitions give.
 */
class ChainsPropertyTest {
    private static final Pattern FIELD = Pattern.compile("\"(traceId|parentId|id)\":\"([0-9a-f]+)\"");
    private static final Pattern CALL_ID = Pattern.compile("\"callstitch.id\":\"([^\"]*)\"");

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
    void theWalkFindsTheChainsAndTracesABruteForceWalkFinds(long seed) throws Exception {
        List<StitchedCall> calls = stitchedByTheRule(randomCalls(seed, 80));
        BruteForceChains truth = new BruteForceChains(calls);
        Map<String, BruteForceChains.Expected> expected = truth.chains();
        assertTrue(expected.size() >= 3, "the calls must make chains to prove anything: " + expected.size());

        try (ChainsLoop loop = new ChainsLoop(seed, 600_000)) {
            loop.run(calls);
            Map<String, BruteForceChains.Expected> written = new TreeMap<>();
            for (ChainSummary summary : loop.summaries()) {
                assertEquals(ChainStatus.COMPLETE, summary.getStatus());
                assertEquals(ZipkinIds.traceId(summary.getRootId()), summary.getTraceId());
                assertEquals(null, written.put(summary.getRootId(), BruteForceChains.of(summary)), "chain written twice");
            }
            assertEquals(expected, written);

            Map<String, String[]> spans = new HashMap<>();
            for (Tuple2<String, String> span : loop.spans()) {
                Matcher id = CALL_ID.matcher(span.f1);
                assertTrue(id.find(), span.f1);
                Map<String, String> fields = new HashMap<>();
                Matcher field = FIELD.matcher(span.f1);
                while (field.find()) {
                    fields.put(field.group(1), field.group(2));
                }
                assertEquals(span.f0, fields.get("traceId"));
                assertEquals(null, spans.put(id.group(1), new String[] {fields.get("traceId"), fields.get("parentId"), fields.get("id")}),
                        "two spans for call " + id.group(1));
            }
            assertEquals(calls.size(), spans.size(), "one span per call");
            for (StitchedCall call : calls) {
                String[] span = spans.get(call.getId());
                assertEquals(ZipkinIds.traceId(truth.traceRoot(call.getId())), span[0], "trace of " + call.getId());
                String parent = truth.chosenParent(call.getId());
                assertEquals(parent == null ? null : ZipkinIds.spanId(parent), span[1], "parent of " + call.getId());
                assertEquals(ZipkinIds.spanId(call.getId()), span[2]);
            }
            assertEquals("route: 0 state entries, 0 timers; walk: 0 state entries, 0 timers", loop.leftOver());
        }
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4})
    void followingBestParentsTheWalkFindsOneTreePerRequest(long seed) throws Exception {
        Random random = new Random(seed * 31);
        List<StitchedCall> calls = withBestParents(stitchedByTheRule(randomCalls(seed, 80)), random);
        Map<String, Double> confidence = new HashMap<>();
        for (StitchedCall call : calls) {
            confidence.put(call.getId(), call.getBestParentConfidence() == null ? 1.0 : call.getBestParentConfidence());
        }
        BruteForceChains truth = BruteForceChains.followingBestParents(calls);
        Map<String, BruteForceChains.Expected> expected = truth.chains();
        assertTrue(expected.size() >= 3, "the calls must make chains to prove anything: " + expected.size());

        try (ChainsLoop loop = new ChainsLoop(seed, 600_000, ChainsOptions.ChainsBy.BEST_PARENT)) {
            loop.run(calls);
            Map<String, BruteForceChains.Expected> written = new TreeMap<>();
            for (ChainSummary summary : loop.summaries()) {
                assertEquals(ChainStatus.COMPLETE, summary.getStatus());
                written.put(summary.getRootId(), BruteForceChains.of(summary));
                double product = 1;
                for (String id : new java.util.TreeSet<>(truth.callsOf(summary.getRootId()))) {
                    product *= id.equals(summary.getRootId()) ? 1 : confidence.get(id);
                }
                assertEquals(product, summary.getConfidence(), 1e-12, "confidence of the chain of " + summary.getRootId());
            }
            assertEquals(expected, written);
            for (Tuple2<String, String> span : loop.spans()) {
                Matcher id = CALL_ID.matcher(span.f1);
                assertTrue(id.find(), span.f1);
                StitchedCall call = calls.stream().filter(c -> c.getId().equals(id.group(1))).findFirst().orElseThrow();
                String parentField = call.getBestParent() == null ? null : "\"parentId\":\"" + ZipkinIds.spanId(call.getBestParent()) + "\"";
                assertEquals(parentField != null, parentField != null && span.f1.contains(parentField), "parentId of " + call.getId() + ": " + span.f1);
                assertEquals(call.getBestParent() == null, !span.f1.contains("\"parentId\""), span.f1);
                if (call.getParents().size() > 1) {
                    assertTrue(span.f1.contains("callstitch.other_parents"), "the rule's other parents in a tag: " + span.f1);
                }
            }
            assertEquals("route: 0 state entries, 0 timers; walk: 0 state entries, 0 timers", loop.leftOver());
        }
    }

    /**
     * Each call with parents gets one of them as its best parent, at random among those that come before
     * it (earlier start, then longer, then smaller id: no cycles), with a random confidence.
     */
    static List<StitchedCall> withBestParents(List<StitchedCall> calls, Random random) {
        Map<String, StitchedCall> byId = new HashMap<>();
        for (StitchedCall call : calls) {
            byId.put(call.getId(), call);
        }
        java.util.Comparator<StitchedCall> before = java.util.Comparator.comparingLong(StitchedCall::getStartAtMs)
                .thenComparing(java.util.Comparator.comparingLong(StitchedCall::getEndAtMs).reversed())
                .thenComparing(StitchedCall::getId);
        Map<String, String> best = new HashMap<>();
        Map<String, List<String>> bestChildren = new HashMap<>();
        for (StitchedCall call : calls) {
            List<String> earlier = new ArrayList<>();
            for (String parent : call.getParents()) {
                if (before.compare(byId.get(parent), call) < 0) {
                    earlier.add(parent);
                }
            }
            if (!earlier.isEmpty()) {
                String parent = earlier.get(random.nextInt(earlier.size()));
                best.put(call.getId(), parent);
                bestChildren.computeIfAbsent(parent, p -> new ArrayList<>()).add(call.getId());
            }
        }
        List<StitchedCall> out = new ArrayList<>();
        for (StitchedCall call : calls) {
            List<String> children = new ArrayList<>(bestChildren.getOrDefault(call.getId(), List.of()));
            children.sort(null);
            String parent = best.get(call.getId());
            out.add(StitchedCall.newBuilder(call).setBestParent(parent)
                    .setBestParentConfidence(parent == null ? null : 0.5 + random.nextInt(50) / 100.0).setBestChildren(children).build());
        }
        return out;
    }

    /** Calls among four hosts within 60 ms, with many equal bounds; some pairs go back and forth over one interval. */
    static List<StitchedCall> randomCalls(long seed, int count) {
        Random random = new Random(seed);
        String[] hosts = {"10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.4"};
        List<StitchedCall> calls = new ArrayList<>();
        while (calls.size() < count) {
            String src = hosts[random.nextInt(hosts.length)];
            String dst = hosts[random.nextInt(hosts.length)];
            long start = random.nextInt(12) * 5L;
            long end = start + random.nextInt(8) * 5L;
            calls.add(new StitchedCall("c" + calls.size(), src, dst, start, end - start, end, List.of(), List.of(), Status.OK, null, null, List.of()));
            if (random.nextInt(8) == 0) {
                calls.add(new StitchedCall("c" + calls.size(), dst, src, start, end - start, end, List.of(), List.of(), Status.OK, null, null, List.of()));
            }
        }
        return calls;
    }

    /** Parents and children by the rule, from the reference's brute force. */
    static List<StitchedCall> stitchedByTheRule(List<StitchedCall> calls) {
        List<Call> plain = new ArrayList<>();
        for (StitchedCall call : calls) {
            plain.add(new Call(call.getId(), call.getSrcIp(), call.getDstIp(), call.getStartAtMs(), call.getLatencyMsec(), call.getEndAtMs()));
        }
        Map<String, BruteForce.Expected> expected = BruteForce.stitch(plain);
        List<StitchedCall> stitched = new ArrayList<>();
        for (StitchedCall call : calls) {
            BruteForce.Expected lists = expected.get(call.getId());
            stitched.add(StitchedCall.newBuilder(call).setParents(lists.parentList()).setChildren(lists.childList()).build());
        }
        return stitched;
    }
}
