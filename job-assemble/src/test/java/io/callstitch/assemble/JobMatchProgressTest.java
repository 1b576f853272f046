package io.callstitch.assemble;

import static io.callstitch.assemble.Fixtures.call;
import static io.callstitch.assemble.Fixtures.child;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.callstitch.common.Decoded;
import io.callstitch.schema.EdgePiece;
import io.callstitch.schema.Role;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.junit.jupiter.api.Test;

/** What is its own: pieces as the words of job-match's subtasks. Restarts and rescaling: UpstreamMarkWatermarksTest, on the same SlowestWriter. */
class JobMatchProgressTest {
    private final List<Long> emitted = new ArrayList<>();
    private final WatermarkOutput output = new WatermarkOutput() {
        @Override
        public void emitWatermark(Watermark watermark) {
            emitted.add(watermark.getTimestamp());
        }

        @Override
        public void markIdle() {}
    };
    private final JobMatchProgress.Generator generator = new JobMatchProgress.Generator();

    @Test
    void aPartitionIsAsFarAsItsSlowestWriter() {
        piece(0, 2, 1_000);
        assertEquals(List.of(), emitted, "subtask 1 not heard from yet");
        piece(1, 2, 500);
        assertEquals(List.of(500L), emitted);
        // a replay: subtask 0 races an hour ahead; the calls still waiting for subtask 1 must not time out
        piece(0, 2, 3_600_000);
        assertEquals(List.of(500L), emitted);
        piece(1, 2, 2_000);
        assertEquals(List.of(500L, 2_000L), emitted);
    }

    @Test
    void aSubtaskWithNothingToWriteIsHeardFromItsMarks() {
        piece(0, 2, 1_000);
        // subtask 1 holds no busy ip: its marks are all this partition hears of it
        mark(1, 2, 4_000);
        assertEquals(List.of(1_000L), emitted);
        piece(0, 2, 5_000);
        mark(1, 2, 6_000);
        assertEquals(List.of(1_000L, 4_000L, 5_000L), emitted);
    }

    private void mark(int subtask, int subtasks, long writtenAtMs) {
        EdgePiece mark = new EdgePiece(call("", "", "", 0, 0), Role.MARK, 0L, List.of(), 0, false, false, writtenAtMs, subtask, subtasks,
                null, null, List.of(), false);
        generator.onEvent(Decoded.of(mark), writtenAtMs, output);
    }

    private void piece(int subtask, int subtasks, long writtenAtMs) {
        EdgePiece piece = EdgePiece.newBuilder(child(call("id" + writtenAtMs, "10.0.0.1", "10.0.0.2", 1000, 1500), 2))
                .setWriterSubtask(subtask).setWriters(subtasks).setWrittenAtMs(writtenAtMs).build();
        generator.onEvent(Decoded.of(piece), writtenAtMs, output);
    }
}
