package io.callstitch.assemble;

import static io.callstitch.assemble.Fixtures.call;
import static io.callstitch.assemble.Fixtures.child;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.callstitch.schema.EdgePiece;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.junit.jupiter.api.Test;

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
    void aRestartedSubtaskMovesNothingBack() {
        piece(0, 1, 5_000);
        piece(0, 1, 1_000);
        assertEquals(List.of(5_000L), emitted);
    }

    @Test
    void anotherParallelismStartsTheCountAfresh() {
        piece(0, 2, 1_000);
        piece(1, 2, 1_000);
        piece(0, 3, 2_000);
        piece(1, 3, 2_000);
        assertEquals(List.of(1_000L), emitted, "subtask 2 of 3 not heard from yet");
        piece(2, 3, 3_000);
        assertEquals(List.of(1_000L, 2_000L), emitted);
    }

    private void piece(int subtask, int subtasks, long writtenAtMs) {
        EdgePiece piece = EdgePiece.newBuilder(child(call("id" + writtenAtMs, "10.0.0.1", "10.0.0.2", 1000, 1500), 2))
                .setWriterSubtask(subtask).setWriters(subtasks).setWrittenAtMs(writtenAtMs).build();
        generator.onEvent(piece, writtenAtMs, output);
    }
}
