package io.callstitch.rekey.operators;

import io.callstitch.schema.ByIpRecord;
import io.callstitch.schema.Role;
import io.callstitch.schema.WatermarkMark;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.ChainingStrategy;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * Carries this subtask's watermark across Kafka: watermarks do not cross topics, so after each advance
 * it writes a {@link WatermarkMark} into every partition of the by-ip topic, behind the calls it
 * covers. job-match takes, per partition, the minimum over the subtasks' latest marks.
 *
 * <p>It must run in the same subtask as the by-ip sink (forward, chained), so that a mark follows the
 * calls it covers in each partition. No state: after a restart, marks start low again and readers
 * keep the highest mark they have seen per subtask.
 *
 * <p>The final watermark ({@link Long#MAX_VALUE}, which Flink sends when the input ends or the job is
 * stopped with {@code --drain}) is not written: readers keep the highest mark per subtask, so it would
 * make every call after a resumed job-rekey late. A drained job-rekey therefore leaves the calls of its
 * last buckets waiting in job-match until it runs again, which is what a resumable stop should do.
 */
public final class AppendWatermarkMarks extends AbstractStreamOperator<ByIpRecord>
        implements OneInputStreamOperator<ByIpRecord, ByIpRecord> {
    private static final long serialVersionUID = 1L;

    private final int partitions;
    private transient long lastMarked;
    private transient Counter marksWritten;

    public AppendWatermarkMarks(int partitions) {
        this.partitions = partitions;
        this.chainingStrategy = ChainingStrategy.ALWAYS;
    }

    @Override
    public void open() throws Exception {
        super.open();
        lastMarked = Long.MIN_VALUE;
        marksWritten = getMetricGroup().counter("marksWritten");
    }

    @Override
    public void processElement(StreamRecord<ByIpRecord> element) {
        output.collect(element);
    }

    @Override
    public void processWatermark(Watermark mark) throws Exception {
        super.processWatermark(mark);
        long watermark = mark.getTimestamp();
        if (watermark <= lastMarked || watermark == Long.MAX_VALUE) {
            return;
        }
        lastMarked = watermark;
        int subtask = getRuntimeContext().getIndexOfThisSubtask();
        int subtasks = getRuntimeContext().getNumberOfParallelSubtasks();
        for (int partition = 0; partition < partitions; partition++) {
            WatermarkMark body = new WatermarkMark(subtask, subtasks, partition, watermark);
            output.collect(new StreamRecord<>(new ByIpRecord(Role.MARK, "", null, body)));
            marksWritten.inc();
        }
    }
}
