package io.callstitch.match.operators;

import java.util.List;
import io.callstitch.common.EdgeRule.Buckets;
import io.callstitch.match.BucketedCall;
import io.callstitch.match.caller.CallerModels;
import io.callstitch.match.caller.ModelSettings;
import io.callstitch.schema.ClosedBucket;
import io.callstitch.schema.EdgePiece;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;

/**
 * The two keyed operators of job-match in test harnesses, one subtask each, joined as the job joins them:
 * {@link MatchEdges} keyed by (ip, bucket), its closed buckets handed to {@link DecideCallers} keyed by
 * ip, each watermark passed on after the records before it.
 */
final class MatchOperators implements AutoCloseable {
    final KeyedOneInputStreamOperatorTestHarness<String, BucketedCall, ClosedBucket> match;
    final KeyedOneInputStreamOperatorTestHarness<String, ClosedBucket, EdgePiece> decide;
    private int forwarded;
    private boolean decideSetUp;

    /** The state of both, from {@link #snapshot}. */
    static final class Snapshot {
        final OperatorSubtaskState match;
        final OperatorSubtaskState decide;

        Snapshot(OperatorSubtaskState match, OperatorSubtaskState decide) {
            this.match = match;
            this.decide = decide;
        }
    }

    MatchOperators(Buckets buckets, ModelSettings callers) throws Exception {
        match = new KeyedOneInputStreamOperatorTestHarness<>(new MatchEdges(buckets), BucketedCall::key,
                Types.STRING);
        decide = new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(new DecideCallers(buckets, callers)),
                ClosedBucket::getIp, Types.STRING);
        match.getExecutionConfig().disableGenericTypes();
        decide.getExecutionConfig().disableGenericTypes();
    }

    void initializeState(Snapshot snapshot) throws Exception {
        match.initializeState(snapshot.match);
        decide.initializeState(snapshot.decide);
        decideSetUp = true;
    }

    void open() throws Exception {
        match.open();
        decide.open();
        decideSetUp = true;
    }

    void processElement(StreamRecord<BucketedCall> record) throws Exception {
        match.processElement(record);
        forward();
    }

    void processWatermark(long watermark) throws Exception {
        match.processWatermark(new Watermark(watermark));
        forward();
        decide.processWatermark(new Watermark(watermark));
    }

    private void forward() throws Exception {
        List<StreamRecord<? extends ClosedBucket>> records = match.extractOutputStreamRecords();
        for (; forwarded < records.size(); forwarded++) {
            StreamRecord<? extends ClosedBucket> record = records.get(forwarded);
            decide.processElement(new StreamRecord<>(record.getValue(), record.getTimestamp()));
        }
    }

    List<EdgePiece> extractOutputValues() {
        return decide.extractOutputValues();
    }

    /** Keyed state entries of both, and the closed buckets DecideCallers holds on the heap. */
    int numKeyedStateEntries() {
        return match.numKeyedStateEntries() + decide.numKeyedStateEntries() + decideCallers().waitingBucketsForTests();
    }

    private DecideCallers decideCallers() {
        return (DecideCallers) ((KeyedProcessOperator<?, ?, ?>) decide.getOperator()).getUserFunction();
    }

    int numEventTimeTimers() {
        return match.numEventTimeTimers() + decide.numEventTimeTimers();
    }

    Snapshot snapshot(long checkpointId, long timestamp) throws Exception {
        return new Snapshot(match.snapshot(checkpointId, timestamp), decide.snapshot(checkpointId, timestamp));
    }

    long bufferedCalls() {
        return ((MatchEdges) match.getOperator()).bufferedCallsForTests();
    }

    CallerModels models() {
        return decideCallers().callerModelsForTests();
    }

    @Override
    public void close() throws Exception {
        match.close();
        // a restore refused by MatchEdges never reaches DecideCallers
        if (decideSetUp) {
            decide.close();
        }
    }
}
