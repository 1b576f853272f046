package io.callstitch.tools.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.callstitch.reference.BruteForce;
import io.callstitch.schema.Call;
import io.callstitch.schema.Status;
import io.callstitch.schema.StitchedCall;
import java.util.List;
import org.junit.jupiter.api.Test;

class OutputCheckTest {
    // seed example 3: id3 has two containing parents
    private static final Call ID1 = new Call("id1", "10.0.0.1", "10.0.0.3", 1000L, 400L, 1400L);
    private static final Call ID2 = new Call("id2", "10.0.0.2", "10.0.0.3", 1050L, 350L, 1400L);
    private static final Call ID3 = new Call("id3", "10.0.0.3", "10.0.0.4", 1200L, 100L, 1300L);
    private static final List<Call> CALLS = List.of(ID1, ID2, ID3);

    private static PipelineBenchmark.Workload workload() {
        return new PipelineBenchmark.Workload("test", CALLS, BruteForce.stitch(CALLS), 0, "raw", "");
    }

    private static StitchedCall stitched(Call call, List<String> parents, List<String> children, Status status) {
        return new StitchedCall(call.getId(), call.getSrcIp(), call.getDstIp(), call.getStartAtMs(), call.getLatencyMsec(),
                call.getEndAtMs(), parents, children, status, null, null, List.of());
    }

    @Test
    void theRulesAnswerOnceEachIsEqual() {
        PipelineBenchmark.OutputCheck check = new PipelineBenchmark.OutputCheck(workload());
        check.accept(stitched(ID3, List.of("id1", "id2"), List.of(), Status.OK));
        check.accept(stitched(ID1, List.of(), List.of("id3"), Status.OK));
        check.accept(stitched(ID2, List.of(), List.of("id3"), Status.OK));
        assertEquals("equal to the brute force", check.verdict());
    }

    @Test
    void everyKindOfDifferenceIsCounted() {
        PipelineBenchmark.OutputCheck check = new PipelineBenchmark.OutputCheck(workload());
        check.accept(stitched(ID1, List.of(), List.of("id3"), Status.OK));
        check.accept(stitched(ID1, List.of(), List.of("id3"), Status.OK));
        check.accept(stitched(ID3, List.of("id1"), List.of(), Status.OK));
        check.accept(stitched(new Call("id9", "10.0.0.1", "10.0.0.2", 0L, 1L, 1L), List.of(), List.of(), Status.LATE));
        assertEquals("DIFFERS from the brute force: 1 missing, 1 doubled, 1 with wrong lists, 0 not OK, 1 unknown ids", check.verdict());
    }
}
