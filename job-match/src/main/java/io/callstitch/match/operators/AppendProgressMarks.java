package io.callstitch.match.operators;

import io.callstitch.schema.Call;
import io.callstitch.schema.EdgePiece;
import io.callstitch.schema.Role;
import java.util.List;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.ChainingStrategy;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * Tells job-assemble how far this subtask has got even when it has nothing to write. job-assemble's
 * clock is the slowest job-match subtask's progress, and a subtask learns it from the pieces it
 * writes; but {@link DecideCallers} is keyed by ip, and a subtask that holds no busy ip (fewer ips
 * than subtasks, or one hot gateway) writes no piece into some partitions for a long time, which
 * would stop job-assemble's safety net and revision window there. So after each advance of the
 * watermark by at least {@code stride}, it writes a {@link Role#MARK} piece into every partition of the
 * edges topic, behind the pieces it covers: every piece of this subtask up to {@code written_at_ms} is
 * written before it. job-assemble counts a mark as word from its writer and assembles nothing of it.
 *
 * <p>It must run in the same subtask as the edges sink (forward, chained), so that a mark follows the
 * pieces it covers in each partition. No state: after a restart, marks start low again and readers
 * keep the highest word they have heard per subtask. The final watermark of a drain is not written,
 * for the reason job-rekey's marks leave it out: it would make a resumed job-match's pieces look old.
 */
public final class AppendProgressMarks extends AbstractStreamOperator<EdgePiece>
        implements OneInputStreamOperator<EdgePiece, EdgePiece> {
    private static final long serialVersionUID = 1L;

    /** The call of a mark: no call; a mark's {@code bucket} is the partition it is written to. */
    private static final Call NO_CALL = new Call("", "", "", 0L, 0L, 0L);

    private final int partitions;
    private final long strideMs;
    private transient long lastMarked;
    private transient Counter marksWritten;

    public AppendProgressMarks(int partitions, long strideMs) {
        this.partitions = partitions;
        this.strideMs = strideMs;
        this.chainingStrategy = ChainingStrategy.ALWAYS;
    }

    /** Whether {@code piece} is a mark rather than a piece of a call. */
    public static boolean isMark(EdgePiece piece) {
        return piece.getRole() == Role.MARK;
    }

    /** The partition a piece is written to: a mark's own, or null to leave it to its key. */
    public static Integer partitionOf(EdgePiece piece) {
        return isMark(piece) ? (int) piece.getBucket() : null;
    }

    @Override
    public void open() throws Exception {
        super.open();
        lastMarked = Long.MIN_VALUE;
        marksWritten = getMetricGroup().counter("marksWritten");
    }

    @Override
    public void processElement(StreamRecord<EdgePiece> element) {
        output.collect(element);
    }

    @Override
    public void processWatermark(Watermark mark) throws Exception {
        super.processWatermark(mark);
        long watermark = mark.getTimestamp();
        if (watermark == Long.MAX_VALUE || (lastMarked != Long.MIN_VALUE && watermark < lastMarked + strideMs)) {
            return;
        }
        lastMarked = watermark;
        int subtask = getRuntimeContext().getIndexOfThisSubtask();
        int subtasks = getRuntimeContext().getNumberOfParallelSubtasks();
        for (int partition = 0; partition < partitions; partition++) {
            EdgePiece body = new EdgePiece(NO_CALL, Role.MARK, (long) partition, List.of(), 0, false, false, watermark, subtask,
                    subtasks, null, null, List.of(), false);
            output.collect(new StreamRecord<>(body));
            marksWritten.inc();
        }
    }
}
