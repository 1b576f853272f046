package io.callstitch.assemble;

import io.callstitch.schema.EdgePiece;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
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
 * <p>Pieces of one subtask only ever raise its entry, so a restarted job-match, whose pieces start low
 * again, moves nothing back. Pieces from a job-match run with another parallelism start the count
 * afresh. A partition that receives nothing for the idle timeout stops holding the others back.
 */
public final class JobMatchProgress implements WatermarkStrategy<EdgePiece> {
    private static final long serialVersionUID = 1L;

    private final Duration idleTimeout;

    public JobMatchProgress(Duration idleTimeout) {
        this.idleTimeout = idleTimeout;
    }

    /** With idleness: what the Kafka consumer takes. */
    public WatermarkStrategy<EdgePiece> withIdleTimeout() {
        return withIdleness(idleTimeout);
    }

    @Override
    public TimestampAssigner<EdgePiece> createTimestampAssigner(TimestampAssignerSupplier.Context context) {
        return (piece, kafkaTimestamp) -> piece.getWrittenAtMs();
    }

    @Override
    public WatermarkGenerator<EdgePiece> createWatermarkGenerator(WatermarkGeneratorSupplier.Context context) {
        return new Generator();
    }

    static final class Generator implements WatermarkGenerator<EdgePiece> {
        private final Map<Integer, Long> latestBySubtask = new HashMap<>();
        private int writers = -1;
        private long emitted = Long.MIN_VALUE;

        @Override
        public void onEvent(EdgePiece piece, long eventTimestamp, WatermarkOutput output) {
            if (piece.getWriters() != writers) {
                writers = piece.getWriters();
                latestBySubtask.keySet().removeIf(subtask -> subtask >= writers);
            }
            latestBySubtask.merge(piece.getWriterSubtask(), piece.getWrittenAtMs(), Math::max);
            if (latestBySubtask.size() < writers) {
                return;
            }
            long complete = Long.MAX_VALUE;
            for (long writtenAt : latestBySubtask.values()) {
                complete = Math.min(complete, writtenAt);
            }
            if (complete > emitted) {
                emitted = complete;
                output.emitWatermark(new Watermark(complete));
            }
        }

        @Override
        public void onPeriodicEmit(WatermarkOutput output) {
            // watermarks are emitted as pieces arrive
        }
    }
}
