package io.callstitch.match.operators;

import static io.callstitch.match.Fixtures.call;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import io.callstitch.common.EdgeRule.Buckets;
import io.callstitch.match.BucketedCall;
import io.callstitch.schema.Call;
import io.callstitch.schema.ClosedBucket;
import io.callstitch.schema.Role;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.util.Collector;
import org.junit.jupiter.api.Test;

/**
 * {@code match-edges} was a {@code KeyedProcessFunction} until it began to hold each checkpoint interval's copies on the
 * heap: a savepoint of that version, with a bucket in flight, restores into the operator, which closes the bucket with
 * its calls (those restored and one that comes after the restore) and then forgets them.
 */
class FunctionVersionStateTest {
    private final Buckets buckets = new Buckets(1000, 20_000);

    /** What the function version kept per key: the two lists, a timer at the close, and the time settings. */
    static final class FunctionVersion extends KeyedProcessFunction<String, BucketedCall, ClosedBucket> implements CheckpointedFunction {
        private static final long serialVersionUID = 1L;
        private final Buckets buckets;
        private transient ListState<Call> children;
        private transient ListState<Call> parents;
        private transient ListState<long[]> timeSettings;

        FunctionVersion(Buckets buckets) {
            this.buckets = buckets;
        }

        @Override
        public void open(Configuration parameters) {
            children = getRuntimeContext().getListState(new ListStateDescriptor<>("children", new AvroTypeInfo<>(Call.class)));
            parents = getRuntimeContext().getListState(new ListStateDescriptor<>("parents", new AvroTypeInfo<>(Call.class)));
        }

        @Override
        public void initializeState(FunctionInitializationContext context) throws Exception {
            timeSettings = context.getOperatorStateStore().getUnionListState(
                    new ListStateDescriptor<>("time-settings", PrimitiveArrayTypeInfo.LONG_PRIMITIVE_ARRAY_TYPE_INFO));
        }

        @Override
        public void snapshotState(FunctionSnapshotContext context) throws Exception {
            timeSettings.update(List.of(new long[] {buckets.bucketMs(), buckets.maxLatencyMs(), buckets.skewMarginMs()}));
        }

        @Override
        public void processElement(BucketedCall in, Context ctx, Collector<ClosedBucket> out) throws Exception {
            (in.role == Role.CHILD ? children : parents).add(in.call);
            ctx.timerService().registerEventTimeTimer(buckets.closesAt(in.bucket));
        }
    }

    @Test
    void aBucketInFlightInTheFunctionVersionsStateClosesWithItsCalls() throws Exception {
        Call parent = call("p", "10.0.0.1", "10.0.0.2", 1000, 1400);
        Call child = call("c", "10.0.0.2", "10.0.0.3", 1100, 1200);
        Call laterChild = call("d", "10.0.0.2", "10.0.0.5", 1300, 1350);
        OperatorSubtaskState saved;
        try (KeyedOneInputStreamOperatorTestHarness<String, BucketedCall, ClosedBucket> old = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new FunctionVersion(buckets)), BucketedCall::key, Types.STRING)) {
            old.open();
            old.processElement(new StreamRecord<>(new BucketedCall(Role.PARENT, "10.0.0.2", 1, parent), parent.getEndAtMs()));
            old.processElement(new StreamRecord<>(new BucketedCall(Role.CHILD, "10.0.0.2", 1, child), child.getEndAtMs()));
            saved = old.snapshot(1, 1);
        }
        try (KeyedOneInputStreamOperatorTestHarness<String, BucketedCall, ClosedBucket> upgraded = new KeyedOneInputStreamOperatorTestHarness<>(
                new MatchEdges(buckets), BucketedCall::key, Types.STRING)) {
            upgraded.initializeState(saved);
            upgraded.open();
            assertEquals(1, upgraded.numEventTimeTimers(), "the close timer came back");
            // a copy read again after the restore, for the same bucket
            upgraded.processElement(new StreamRecord<>(new BucketedCall(Role.CHILD, "10.0.0.2", 1, laterChild), laterChild.getEndAtMs()));
            upgraded.processWatermark(new Watermark(buckets.closesAt(1)));
            List<ClosedBucket> closed = upgraded.extractOutputValues();
            assertEquals(1, closed.size());
            assertEquals("10.0.0.2", closed.get(0).getIp());
            assertEquals(List.of(child, laterChild), closed.get(0).getChildren());
            assertEquals(List.of(parent), closed.get(0).getParents());
            upgraded.processWatermark(new Watermark(buckets.forgetsAt(1)));
            assertEquals(0, upgraded.numKeyedStateEntries(), "the bucket is forgotten");
            assertEquals(0, upgraded.numEventTimeTimers());
        }
    }
}
