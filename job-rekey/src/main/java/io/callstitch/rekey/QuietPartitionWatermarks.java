package io.callstitch.rekey;

import java.io.Serializable;
import io.callstitch.schema.Call;
import io.callstitch.schema.ParsedInput;
import org.apache.flink.api.common.eventtime.TimestampAssigner;
import org.apache.flink.api.common.eventtime.TimestampAssignerSupplier;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkGeneratorSupplier;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;

/**
 * Event time of raw records is {@code end_at_ms}: a probe can only report a call once it has ended.
 * One generator runs per raw partition (set on the Kafka consumer), trailing that partition's newest
 * end_at_ms by the maximum out-of-orderness D.
 *
 * <p>Heartbeat records count like calls ending at their time. Quiet partitions: a partition that
 * never delivered anything is marked idle after the idle timeout, so it cannot stall the job; one that
 * delivered and then went quiet for the idle timeout does what {@link WhenQuiet} says.
 */
public final class QuietPartitionWatermarks implements WatermarkStrategy<ParsedInput> {
    private static final long serialVersionUID = 1L;

    /** Wall-clock milliseconds; a test hands in its own. */
    @FunctionalInterface
    public interface Clock extends Serializable {
        long nowMs();
    }

    private final long maxOutOfOrdernessMs;
    private final long idleTimeoutMs;
    private final WhenQuiet whenQuiet;
    private final Clock clock;

    public QuietPartitionWatermarks(long maxOutOfOrdernessMs, long idleTimeoutMs, WhenQuiet whenQuiet, Clock clock) {
        this.maxOutOfOrdernessMs = maxOutOfOrdernessMs;
        this.idleTimeoutMs = idleTimeoutMs;
        this.whenQuiet = whenQuiet;
        this.clock = clock;
    }

    public static QuietPartitionWatermarks of(RekeyOptions.Settings settings) {
        return new QuietPartitionWatermarks(settings.maxOutOfOrdernessMs, settings.idleTimeoutMs, settings.whenQuiet,
                System::currentTimeMillis);
    }

    @Override
    public TimestampAssigner<ParsedInput> createTimestampAssigner(TimestampAssignerSupplier.Context context) {
        return (input, recordTimestamp) -> {
            Call call = input.getCall();
            if (call != null) {
                return call.getEndAtMs();
            }
            return input.getHeartbeatAtMs() != null ? input.getHeartbeatAtMs() : recordTimestamp;
        };
    }

    @Override
    public WatermarkGenerator<ParsedInput> createWatermarkGenerator(WatermarkGeneratorSupplier.Context context) {
        return new Generator(maxOutOfOrdernessMs, idleTimeoutMs, whenQuiet, clock);
    }

    static final class Generator implements WatermarkGenerator<ParsedInput> {
        private final long maxOutOfOrdernessMs;
        private final long idleTimeoutMs;
        private final WhenQuiet whenQuiet;
        private final Clock clock;
        private final long createdAtMs;
        private long maxEndMs = Long.MIN_VALUE;
        private long lastCallAtMs;
        private long emitted = Long.MIN_VALUE;

        Generator(long maxOutOfOrdernessMs, long idleTimeoutMs, WhenQuiet whenQuiet, Clock clock) {
            this.maxOutOfOrdernessMs = maxOutOfOrdernessMs;
            this.idleTimeoutMs = idleTimeoutMs;
            this.whenQuiet = whenQuiet;
            this.clock = clock;
            this.createdAtMs = clock.nowMs();
        }

        @Override
        public void onEvent(ParsedInput input, long eventTimestamp, WatermarkOutput output) {
            if (input.getCall() == null && input.getHeartbeatAtMs() == null) {
                // a rejected record says nothing about time
                return;
            }
            maxEndMs = Math.max(maxEndMs, eventTimestamp);
            lastCallAtMs = clock.nowMs();
        }

        @Override
        public void onPeriodicEmit(WatermarkOutput output) {
            long now = clock.nowMs();
            if (maxEndMs == Long.MIN_VALUE) {
                if (now - createdAtMs >= idleTimeoutMs) {
                    output.markIdle();
                }
                return;
            }
            long watermark = maxEndMs - maxOutOfOrdernessMs - 1;
            long quietMs = now - lastCallAtMs;
            if (quietMs >= idleTimeoutMs) {
                if (whenQuiet == WhenQuiet.IDLE) {
                    output.markIdle();
                    return;
                }
                watermark += quietMs;
            }
            // emitted on every period, even unchanged: that is also what ends an idle spell
            emitted = Math.max(emitted, watermark);
            output.emitWatermark(new Watermark(emitted));
        }
    }
}
