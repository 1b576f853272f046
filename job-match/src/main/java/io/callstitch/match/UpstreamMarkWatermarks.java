package io.callstitch.match;

import io.callstitch.common.Decoded;
import io.callstitch.common.SlowestWriter;
import io.callstitch.schema.ByIpRecord;
import io.callstitch.schema.Role;
import io.callstitch.schema.WatermarkMark;
import org.apache.flink.api.common.eventtime.TimestampAssigner;
import org.apache.flink.api.common.eventtime.TimestampAssignerSupplier;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkGeneratorSupplier;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;

/**
 * Rebuilds job-rekey's watermark on the by-ip topic, one generator per partition (set on the Kafka
 * consumer): every job-rekey subtask writes a mark into every partition after the calls it covers,
 * so a partition is complete up to the minimum of its subtasks' latest marks. Until every subtask
 * has been heard from, the partition holds the watermark back. A lagging, restarting or replaying
 * job-rekey subtask therefore holds job-match back instead of making its calls late.
 *
 * <p>{@link SlowestWriter} keeps the marks: restarts of job-rekey move nothing back, and a run with another
 * parallelism starts the count afresh.
 */
public final class UpstreamMarkWatermarks implements WatermarkStrategy<Decoded<ByIpRecord>> {
    private static final long serialVersionUID = 1L;

    @Override
    public TimestampAssigner<Decoded<ByIpRecord>> createTimestampAssigner(TimestampAssignerSupplier.Context context) {
        return (decoded, recordTimestamp) -> {
            ByIpRecord record = decoded.value;
            if (record == null) {
                return recordTimestamp;
            }
            return record.getRole() == Role.MARK ? record.getMark().getWatermark() : record.getCall().getEndAtMs();
        };
    }

    @Override
    public WatermarkGenerator<Decoded<ByIpRecord>> createWatermarkGenerator(WatermarkGeneratorSupplier.Context context) {
        return new Generator();
    }

    static final class Generator implements WatermarkGenerator<Decoded<ByIpRecord>> {
        private final SlowestWriter upstream = new SlowestWriter();

        @Override
        public void onEvent(Decoded<ByIpRecord> decoded, long eventTimestamp, WatermarkOutput output) {
            ByIpRecord record = decoded.value;
            if (record == null || record.getRole() != Role.MARK) {
                return;
            }
            WatermarkMark mark = record.getMark();
            if (mark.getWatermark() == Long.MAX_VALUE) {
                // the end of a drained input, written by a release before marks left it out: a resumed
                // job-rekey would never get past it
                return;
            }
            if (upstream.heard(mark.getSubtask(), mark.getSubtasks(), mark.getWatermark())) {
                output.emitWatermark(new Watermark(upstream.complete()));
            }
        }

        @Override
        public void onPeriodicEmit(WatermarkOutput output) {
            // watermarks are emitted as marks arrive
        }
    }
}
