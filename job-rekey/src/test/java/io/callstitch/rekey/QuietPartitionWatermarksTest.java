package io.callstitch.rekey;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import io.callstitch.schema.Call;
import io.callstitch.schema.ParsedInput;
import io.callstitch.schema.Reason;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.junit.jupiter.api.Test;

class QuietPartitionWatermarksTest {
    private long now = 1_000_000;
    private final List<Long> emitted = new ArrayList<>();
    private boolean idle;
    private final WatermarkOutput output = new WatermarkOutput() {
        @Override
        public void emitWatermark(Watermark watermark) {
            emitted.add(watermark.getTimestamp());
            idle = false;
        }

        @Override
        public void markIdle() {
            idle = true;
        }
    };
    private final QuietPartitionWatermarks.Generator generator =
            new QuietPartitionWatermarks.Generator(30_000, 10_000, WhenQuiet.FOLLOW_WALL_CLOCK, () -> now);

    private static ParsedInput valid(long end) {
        return new ParsedInput(new Call("x", "10.0.0.1", "10.0.0.2", end - 10, 10L, end), null, null, null, ByteBuffer.allocate(0), "t", 0, 0L);
    }

    @Test
    void trailsTheNewestEndByTheOutOfOrderness() {
        generator.onEvent(valid(100_000), 100_000, output);
        generator.onEvent(valid(90_000), 90_000, output);
        generator.onPeriodicEmit(output);
        assertEquals(List.of(100_000L - 30_000 - 1), emitted);
    }

    @Test
    void aPartitionThatNeverDeliveredGoesIdle() {
        generator.onPeriodicEmit(output);
        assertFalse(idle);
        now += 10_000;
        generator.onPeriodicEmit(output);
        assertTrue(idle);
        assertEquals(List.of(), emitted);
    }

    @Test
    void aQuietPartitionFollowsTheWallClockFromItsNewestRecord() {
        generator.onEvent(valid(100_000), 100_000, output);
        now += 9_999;
        generator.onPeriodicEmit(output);
        now += 1;
        generator.onPeriodicEmit(output);
        now += 40_000;
        generator.onPeriodicEmit(output);
        assertEquals(List.of(69_999L, 79_999L, 119_999L), emitted);
    }

    @Test
    void byDefaultAQuietPartitionGoesIdleUntilItDeliversAgain() {
        QuietPartitionWatermarks.Generator idling = new QuietPartitionWatermarks.Generator(30_000, 10_000, WhenQuiet.IDLE, () -> now);
        idling.onEvent(valid(100_000), 100_000, output);
        idling.onPeriodicEmit(output);
        now += 10_000;
        idling.onPeriodicEmit(output);
        assertTrue(idle);
        idling.onEvent(valid(101_000), 101_000, output);
        idling.onPeriodicEmit(output);
        assertFalse(idle);
        assertEquals(List.of(69_999L, 70_999L), emitted);
    }

    @Test
    void aHeartbeatMovesTimeOnLikeACallEndingThen() {
        generator.onEvent(valid(100_000), 100_000, output);
        ParsedInput heartbeat = new ParsedInput(null, null, null, 200_000L, ByteBuffer.allocate(0), "t", 0, 0L);
        generator.onEvent(heartbeat, 200_000, output);
        generator.onPeriodicEmit(output);
        assertEquals(List.of(169_999L), emitted);
    }

    @Test
    void rejectedRecordsSayNothingAboutTime() {
        ParsedInput rejected = new ParsedInput(null, Reason.UNPARSEABLE, "x", null, ByteBuffer.allocate(0), "t", 0, 0L);
        generator.onEvent(rejected, Long.MAX_VALUE, output);
        generator.onPeriodicEmit(output);
        assertEquals(List.of(), emitted);
    }
}
