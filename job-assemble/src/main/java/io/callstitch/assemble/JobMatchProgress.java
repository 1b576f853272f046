package io.callstitch.assemble;

import io.callstitch.common.Decoded;
import io.callstitch.common.SlowestWriter;
import io.callstitch.schema.EdgePiece;
import java.time.Duration;
import org.apache.flink.api.common.eventtime.TimestampAssigner;
import org.apache.flink.api.common.eventtime.TimestampAssignerSupplier;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkGeneratorSupplier;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;

/**
 * Event time on {@code calls.edges}: how far every job-match subtask has got. One generator runs per
 * partition (set on the Kafka consumer); each piece says which subtask wrote it, of how many, and at
 * which event time of that subtask. A partition is then as far as the slowest subtask that writes to
 * it, and until every subtask has been heard from there, it holds the watermark back.
 *
 * <p>The minimum matters: job-match's subtasks read different partitions and can be far apart in event
 * time, most of all in a replay, which runs through hours of traffic in minutes. Taking the furthest
 * piece instead would time out every call still waiting for a piece of a slower subtask.
 *
 * <p>See {@link SlowestWriter} for restarts and rescaling. A partition that receives nothing for the
 * idle timeout stops holding the others back.
 */
public final class JobMatchProgress implements WatermarkStrategy<Decoded<EdgePiece>> {
    private static final long serialVersionUID = 1L;

    private final Duration idleTimeout;

    public JobMatchProgress(Duration idleTimeout) {
        this.idleTimeout = idleTimeout;
    }

    /** With idleness: what the Kafka consumer takes. */
    public WatermarkStrategy<Decoded<EdgePiece>> withIdleTimeout() {
        return withIdleness(idleTimeout);
    }

    @Override
    public TimestampAssigner<Decoded<EdgePiece>> createTimestampAssigner(TimestampAssignerSupplier.Context context) {
        return (decoded, kafkaTimestamp) -> decoded.value == null ? kafkaTimestamp : decoded.value.getWrittenAtMs();
    }

    @Override
    public WatermarkGenerator<Decoded<EdgePiece>> createWatermarkGenerator(WatermarkGeneratorSupplier.Context context) {
        return new Generator();
    }

    static final class Generator implements WatermarkGenerator<Decoded<EdgePiece>> {
        private final SlowestWriter jobMatch = new SlowestWriter();

        @Override
        public void onEvent(Decoded<EdgePiece> decoded, long eventTimestamp, WatermarkOutput output) {
            EdgePiece piece = decoded.value;
            if (piece == null) {
                return;
            }
            if (jobMatch.heard(piece.getWriterSubtask(), piece.getWriters(), piece.getWrittenAtMs())) {
                output.emitWatermark(new Watermark(jobMatch.complete()));
            }
        }

        @Override
        public void onPeriodicEmit(WatermarkOutput output) {
            // watermarks are emitted as pieces arrive
        }
    }
}
