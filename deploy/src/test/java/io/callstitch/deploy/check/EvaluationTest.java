package io.callstitch.deploy.check;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
}
