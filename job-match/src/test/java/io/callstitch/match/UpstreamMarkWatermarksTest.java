package io.callstitch.match;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import io.callstitch.common.Decoded;
import io.callstitch.schema.ByIpRecord;
import io.callstitch.schema.Role;
import io.callstitch.schema.WatermarkMark;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.junit.jupiter.api.Test;

class UpstreamMarkWatermarksTest {
    private final List<Long> emitted = new ArrayList<>();
    private final WatermarkOutput output = new WatermarkOutput() {
        @Override
        public void emitWatermark(Watermark watermark) {
            emitted.add(watermark.getTimestamp());
        }

        @Override
        public void markIdle() {
            throw new AssertionError("a by-ip partition is never idle: marks keep coming");
        }
    };
    private final UpstreamMarkWatermarks.Generator generator = new UpstreamMarkWatermarks.Generator();

    private void mark(int subtask, int subtasks, long watermark) {
        generator.onEvent(Decoded.of(new ByIpRecord(Role.MARK, "", null, new WatermarkMark(subtask, subtasks, 0, watermark))), watermark, output);
    }

    @Test
    void waitsUntilEveryUpstreamSubtaskHasMarked() {
        mark(0, 3, 1000);
        mark(2, 3, 5000);
        assertEquals(List.of(), emitted);
        mark(1, 3, 3000);
        assertEquals(List.of(1000L), emitted);
    }

    @Test
    void followsTheSlowestSubtask() {
        mark(0, 2, 1000);
        mark(1, 2, 9000);
        mark(0, 2, 4000);
        mark(0, 2, 12000);
        assertEquals(List.of(1000L, 4000L, 9000L), emitted);
    }

    @Test
    void aRestartedSubtaskWithLowMarksDoesNotMoveTimeBack() {
        mark(0, 2, 5000);
        mark(1, 2, 6000);
        mark(0, 2, 100);
        mark(1, 2, 200);
        assertEquals(List.of(5000L), emitted);
    }

    @Test
    void aRescaledUpstreamIsWaitedForInFull() {
        mark(0, 1, 5000);
        mark(0, 2, 6000);
        assertEquals(List.of(5000L), emitted);
        mark(1, 2, 7000);
        assertEquals(List.of(5000L, 6000L), emitted);
    }

    @Test
    void aMarkOfADrainedInputDoesNotMakeLaterCallsLate() {
        mark(0, 2, 5000);
        mark(1, 2, 6000);
        mark(0, 2, Long.MAX_VALUE);
        mark(1, 2, Long.MAX_VALUE);
        // job-rekey resumed after the drain: its marks count again
        mark(0, 2, 7000);
        mark(1, 2, 8000);
        assertEquals(List.of(5000L, 6000L, 7000L), emitted);
    }
}
