package io.callstitch.match.operators;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayList;
import java.util.List;
import io.callstitch.schema.Call;
import io.callstitch.schema.EdgePiece;
import io.callstitch.schema.Role;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

class AppendProgressMarksTest {
    private static final long STRIDE_MS = 1000;

    @Test
    void anAdvanceOfAStrideWritesAMarkIntoEveryPartitionAfterThePiecesItCovers() throws Exception {
        try (OneInputStreamOperatorTestHarness<EdgePiece, EdgePiece> harness =
                new OneInputStreamOperatorTestHarness<>(new AppendProgressMarks(3, STRIDE_MS), 4, 2, 1)) {
            harness.open();
            harness.processElement(new StreamRecord<>(piece("id1", 2000), 2000));
            harness.processWatermark(new Watermark(2000));
            harness.processWatermark(new Watermark(2999)); // under a stride since the last mark: no marks
            harness.processElement(new StreamRecord<>(piece("id2", 3000), 3000));
            harness.processWatermark(new Watermark(3000));
            harness.processWatermark(new Watermark(Long.MAX_VALUE)); // a drain's end: no marks

            assertEquals(List.of("piece id1",
                    "watermark 2000", "mark p0 s1/2 @2000", "mark p1 s1/2 @2000", "mark p2 s1/2 @2000",
                    "watermark 2999",
                    "piece id2",
                    "watermark 3000", "mark p0 s1/2 @3000", "mark p1 s1/2 @3000", "mark p2 s1/2 @3000",
                    "watermark " + Long.MAX_VALUE), seen(harness));
        }
    }

    @Test
    void aMarkNamesItsPartitionAndAPieceLeavesItToItsKey() {
        EdgePiece mark = new EdgePiece(new Call("", "", "", 0L, 0L, 0L), Role.MARK, 4L, List.of(), 0, false, false, 5000L, 0, 2, null,
                null, List.of(), false);
        assertEquals(4, AppendProgressMarks.partitionOf(mark));
        assertNull(AppendProgressMarks.partitionOf(piece("id1", 2000)));
    }

    private static EdgePiece piece(String id, long writtenAtMs) {
        return new EdgePiece(new Call(id, "10.0.0.1", "10.0.0.2", 1000L, 500L, 1500L), Role.CHILD, 1L, List.of(), 2, false, false,
                writtenAtMs, 1, 2, null, null, List.of(), false);
    }

    private static List<String> seen(OneInputStreamOperatorTestHarness<EdgePiece, EdgePiece> harness) {
        List<String> seen = new ArrayList<>();
        for (Object item : harness.getOutput()) {
            if (item instanceof StreamRecord) {
                EdgePiece piece = (EdgePiece) ((StreamRecord<?>) item).getValue();
                seen.add(AppendProgressMarks.isMark(piece)
                        ? "mark p" + piece.getBucket() + " s" + piece.getWriterSubtask() + "/" + piece.getWriters() + " @"
                                + piece.getWrittenAtMs()
                        : "piece " + piece.getCall().getId());
            } else if (item instanceof Watermark) {
                seen.add("watermark " + ((Watermark) item).getTimestamp());
            }
        }
        return seen;
    }
}
