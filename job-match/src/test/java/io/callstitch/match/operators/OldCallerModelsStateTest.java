package io.callstitch.match.operators;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import io.callstitch.common.EdgeRule.Buckets;
import io.callstitch.match.BucketedCall;
import io.callstitch.schema.ClosedBucket;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.util.Collector;
import org.junit.jupiter.api.Test;

/**
 * A savepoint of the version whose subtasks each kept their caller models in {@code match-edges}: it
 * restores, and the old copies, union state that every subtask would take in whole and write again, are
 * gone from the next checkpoint.
 */
class OldCallerModelsStateTest {
    private final Buckets buckets = new Buckets(1000, 20_000);

    /** The operator state of the old {@code match-edges}: its time settings and a copy of models per subtask. */
    static final class OldMatchEdges extends KeyedProcessFunction<String, BucketedCall, ClosedBucket> implements CheckpointedFunction {
        private static final long serialVersionUID = 1L;
        private final boolean writeModels;
        private transient ListState<byte[]> models;
        private transient ListState<long[]> timeSettings;
        final List<byte[]> restoredModels = new ArrayList<>();

        OldMatchEdges(boolean writeModels) {
            this.writeModels = writeModels;
        }

        @Override
        public void initializeState(FunctionInitializationContext context) throws Exception {
            models = context.getOperatorStateStore().getUnionListState(
                    new ListStateDescriptor<>(MatchEdges.OLD_CALLER_MODELS, PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO));
            timeSettings = context.getOperatorStateStore().getUnionListState(
                    new ListStateDescriptor<>("time-settings", PrimitiveArrayTypeInfo.LONG_PRIMITIVE_ARRAY_TYPE_INFO));
            models.get().forEach(restoredModels::add);
        }

        @Override
        public void snapshotState(FunctionSnapshotContext context) throws Exception {
            if (writeModels) {
                models.update(List.of(new byte[] {1, 2, 3}));
                timeSettings.update(List.of(new long[] {1000, 20_000}));
            }
        }

        @Override
        public void processElement(BucketedCall value, Context ctx, Collector<ClosedBucket> out) {}
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, BucketedCall, ClosedBucket> harness(
            KeyedProcessFunction<String, BucketedCall, ClosedBucket> function) throws Exception {
        return harness(new KeyedProcessOperator<>(function));
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, BucketedCall, ClosedBucket> harness(
            OneInputStreamOperator<BucketedCall, ClosedBucket> operator) throws Exception {
        return new KeyedOneInputStreamOperatorTestHarness<>(operator, BucketedCall::key, Types.STRING);
    }

    @Test
    void theOldModelCopiesAreDroppedOnRestore() throws Exception {
        OperatorSubtaskState old;
        try (KeyedOneInputStreamOperatorTestHarness<String, BucketedCall, ClosedBucket> writer = harness(new OldMatchEdges(true))) {
            writer.open();
            old = writer.snapshot(1, 1);
        }
        // the fixture writes what it should: a reader of the old state finds the copy
        OldMatchEdges check = new OldMatchEdges(false);
        try (KeyedOneInputStreamOperatorTestHarness<String, BucketedCall, ClosedBucket> reader = harness(check)) {
            reader.initializeState(old);
            reader.open();
        }
        assertEquals(1, check.restoredModels.size());

        OperatorSubtaskState next;
        try (KeyedOneInputStreamOperatorTestHarness<String, BucketedCall, ClosedBucket> upgraded = harness(new MatchEdges(buckets))) {
            upgraded.initializeState(old);
            upgraded.open();
            next = upgraded.snapshot(2, 2);
        }
        OldMatchEdges after = new OldMatchEdges(false);
        try (KeyedOneInputStreamOperatorTestHarness<String, BucketedCall, ClosedBucket> reader = harness(after)) {
            reader.initializeState(next);
            reader.open();
        }
        assertEquals(0, after.restoredModels.size(), "no old model copy in the checkpoint after the upgrade");
    }
}
