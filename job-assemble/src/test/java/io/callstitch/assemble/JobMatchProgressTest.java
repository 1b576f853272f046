package io.callstitch.assemble;

import static io.callstitch.assemble.Fixtures.call;
import static io.callstitch.assemble.Fixtures.child;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.callstitch.common.Decoded;
import io.callstitch.schema.EdgePiece;
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

    private void piece(int subtask, int subtasks, long writtenAtMs) {
        EdgePiece piece = EdgePiece.newBuilder(child(call("id" + writtenAtMs, "10.0.0.1", "10.0.0.2", 1000, 1500), 2))
                .setWriterSubtask(subtask).setWriters(subtasks).setWrittenAtMs(writtenAtMs).build();
        generator.onEvent(Decoded.of(piece), writtenAtMs, output);
    }
}
