package io.callstitch.tools.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import io.callstitch.schema.Call;
import io.callstitch.schema.Status;
import io.callstitch.schema.StitchedCall;
import org.junit.jupiter.api.Test;

class EvaluationTest {
    // seed example 3: id3 has two containing parents, of which (say) only id1 really called it
    private static final Call ID1 = new Call("id1", "10.0.0.1", "10.0.0.3", 1000L, 400L, 1400L);
    private static final Call ID2 = new Call("id2", "10.0.0.2", "10.0.0.3", 1050L, 350L, 1400L);
    private static final Call ID3 = new Call("id3", "10.0.0.3", "10.0.0.4", 1200L, 100L, 1300L);

    private static StitchedCall stitched(Call call, List<String> parents, List<String> children) {
        return new StitchedCall(call.getId(), call.getSrcIp(), call.getDstIp(), call.getStartAtMs(), call.getLatencyMsec(),
                call.getEndAtMs(), parents, children, Status.OK, null, null, List.of());
    }

    private static Map<String, String> truth() {
        Map<String, String> truth = new HashMap<>();
        truth.put("id1", null);
        truth.put("id2", null);
        truth.put("id3", "id1");
        return truth;
    }

    @Test
    void theRulesAnswerHasNoDifferencesAndMeasuresCoincidences() {
        Evaluation e = Evaluation.of(List.of(ID1, ID2, ID3), List.of(stitched(ID1, List.of(), List.of("id3")),
                stitched(ID2, List.of(), List.of("id3")), stitched(ID3, List.of("id1", "id2"), List.of())), truth());
        assertEquals(0, e.differences);
        assertEquals(2, e.ruleEdges);
        assertEquals(1, e.trueEdges);
        assertEquals(1, e.trueEdgesFound, "recall 100%");
        assertEquals(2, e.parentEntries, "precision 50%: id2 is a coincidence");
        assertEquals(1, e.childrenWithSeveralParents);
    }

    @Test
    void aMissingEdgeACallWrittenTwiceAndAMissingCallAreDifferences() {
        Evaluation e = Evaluation.of(List.of(ID1, ID2, ID3), List.of(stitched(ID1, List.of(), List.of("id3")),
                stitched(ID1, List.of(), List.of("id3")), stitched(ID3, List.of("id1"), List.of())), truth());
        assertEquals(3, e.differences, "id1 twice, id2 missing, id3 lacks id2: " + e.differenceExamples);
    }

    @Test
    void bestParentsAreScoredPerQuarterOfTheRunByTheChildsStart() {
        // one long call and eight children spread over it; the picks go wrong in the last quarter
        Call root = new Call("r", "10.0.0.1", "10.0.0.2", 0L, 10_000L, 10_000L);
        List<Call> calls = new ArrayList<>(List.of(root));
        List<StitchedCall> out = new ArrayList<>(List.of(stitched(root, List.of(), List.of())));
        Map<String, String> truth = new HashMap<>();
        truth.put("r", null);
        for (int i = 0; i < 8; i++) {
            Call child = new Call("c" + i, "10.0.0.2", "10.0.0.3", 1250L * i, 100L, 1250L * i + 100);
            calls.add(child);
            StitchedCall stitched = stitched(child, List.of("r"), List.of());
            stitched.setBestParent(i < 6 ? "r" : null);
            stitched.setBestParentConfidence(i < 6 ? 0.9 : null);
            out.add(stitched);
            truth.put(child.getId(), "r");
        }
        Evaluation e = Evaluation.of(calls, out, truth);
        assertEquals(8, e.bestParent.edges);
        assertEquals(6, e.bestParent.edgesRight);
        assertEquals(List.of(2L, 2L, 2L, 2L), Arrays.stream(e.bestParent.quarterEdges).boxed().collect(Collectors.toList()));
        assertEquals(List.of(2L, 2L, 2L, 0L),
                Arrays.stream(e.bestParent.quarterEdgesRight).boxed().collect(Collectors.toList()));
        assertTrue(e.table().contains("| best parent right, per edge, by quarter of the run | 100.00% / 100.00% / 100.00% / 0.00% |"), e.table());
    }
}
