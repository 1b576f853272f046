package io.callstitch.match.operators;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import io.callstitch.common.EdgeRule;
import io.callstitch.match.BucketedCall;
import io.callstitch.common.EdgeRule.Buckets;
import io.callstitch.match.ContainmentMatcher;
import io.callstitch.match.caller.CallerModels;
import io.callstitch.match.caller.ModelSettings;
import io.callstitch.schema.Call;
import io.callstitch.schema.EdgePiece;
import io.callstitch.schema.Role;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Keyed by (ip, bucket). Buffers the calls that look for parents here (children: src_ip is the ip and
 * start in the bucket) and the calls that look for children here (parents: dst_ip is the ip and the
 * interval overlaps the bucket). When the watermark reaches the bucket's close time
 * ({@link Buckets#closesAt}), every on-time call of the bucket has arrived: it finds all edges at once
 * with {@link ContainmentMatcher}, picks each child's best parent among its candidates with this subtask's
 * {@link CallerModels} (which then learn from the bucket), writes one {@link EdgePiece} per buffered call,
 * and drops the bucket's state whole. The best parent's candidates may miss the child by the model's
 * tolerance (clock skew); the rule's lists never do. A caller that starts in the next bucket than its
 * child, within the tolerance, is not in the child's key and cannot be picked.
 *
 * <p>A closed bucket's calls are kept for the grace ({@link Buckets#forgetsAt}). A call arriving after
 * the close but within the grace is matched against them at once, exactly, and written; each partner it
 * finds gets an amending piece ({@code amends}) with its id, for job-assemble to add to the partner's
 * record (already written: written again, REVISED). A call arriving after the grace is not dropped: it is
 * written at once as a piece marked late, with no ids (nothing of its bucket is buffered any more).
 *
 * <p>Every piece says how far this subtask had got when it was written (the bucket's close time, or the
 * watermark for a late piece) and which subtask of how many wrote it: job-assemble's event time, which
 * drives its safety net, is the slowest subtask's progress.
 *
 * <p>State: two append-only lists per key (appending does not read the list, which is cheap on
 * RocksDB), one event-time timer per key, and per subtask the number of call copies buffered (in
 * operator state, so the gauge survives restarts; after a rescale the sum over subtasks stays exact)
 * and the caller models (union operator state: a subtask takes its own copy back at the same
 * parallelism, and merges every copy after a rescale).
 * B and L are kept in operator state too, and a restore with other ones is refused: they decide the
 * keys and piece counts of the calls in flight.
 * Metrics: {@code edgesFound}, {@code piecesWritten}, {@code lateCalls}, {@code overMaxLatencyCalls},
 * {@code bucketsClosed}, {@code callsMatchedAfterClose}, {@code amendmentsWritten}, and the gauges {@code bufferedCalls}, {@code callerModelHosts},
 * {@code callerModelKinds}, {@code callerModelKindsRefused}, {@code callerToleranceMsWidest},
 * {@code callerHostsWithTolerance}, {@code callerClockOffsetMsWidest} and {@code callerEdgesWithClockOffset}.
 */
public final class MatchEdges extends KeyedProcessFunction<String, BucketedCall, EdgePiece> implements CheckpointedFunction {
    private static final long serialVersionUID = 1L;

    private final Buckets buckets;
    private final ModelSettings callerSettings;
    private transient CallerModels callers;
    private transient ListState<byte[]> callersState;
    private transient ListState<long[]> timeSettingsState;
    private transient ListState<Call> children;
    private transient ListState<Call> parents;
    private transient Counter edgesFound;
    private transient Counter piecesWritten;
    private transient Counter lateCalls;
    private transient Counter overMaxLatencyCalls;
    private transient Counter bucketsClosed;
    private transient Counter callsMatchedAfterClose;
    private transient Counter amendmentsWritten;
    private transient ListState<Long> bufferedState;
    private transient long buffered;
    private transient int subtask;
    private transient int subtasks;

    public MatchEdges(Buckets buckets, ModelSettings callers) {
        this.buckets = buckets;
        this.callerSettings = callers;
    }

    @Override
    public void open(Configuration parameters) {
        subtask = getRuntimeContext().getIndexOfThisSubtask();
        subtasks = getRuntimeContext().getNumberOfParallelSubtasks();
        AvroTypeInfo<Call> callType = new AvroTypeInfo<>(Call.class);
        children = getRuntimeContext().getListState(new ListStateDescriptor<>("children", callType));
        parents = getRuntimeContext().getListState(new ListStateDescriptor<>("parents", callType));
        edgesFound = getRuntimeContext().getMetricGroup().counter("edgesFound");
        piecesWritten = getRuntimeContext().getMetricGroup().counter("piecesWritten");
        lateCalls = getRuntimeContext().getMetricGroup().counter("lateCalls");
        overMaxLatencyCalls = getRuntimeContext().getMetricGroup().counter("overMaxLatencyCalls");
        bucketsClosed = getRuntimeContext().getMetricGroup().counter("bucketsClosed");
        callsMatchedAfterClose = getRuntimeContext().getMetricGroup().counter("callsMatchedAfterClose");
        amendmentsWritten = getRuntimeContext().getMetricGroup().counter("amendmentsWritten");
        getRuntimeContext().getMetricGroup().gauge("bufferedCalls", (Gauge<Long>) () -> buffered);
        getRuntimeContext().getMetricGroup().gauge("callerModelHosts", (Gauge<Integer>) () -> callers.hosts());
        getRuntimeContext().getMetricGroup().gauge("callerModelKinds", (Gauge<Integer>) () -> callers.kinds());
        getRuntimeContext().getMetricGroup().gauge("callerModelKindsRefused", (Gauge<Long>) () -> callers.refusedKinds());
        getRuntimeContext().getMetricGroup().gauge("callerToleranceMsWidest", (Gauge<Integer>) () -> callers.widestTolerance());
        getRuntimeContext().getMetricGroup().gauge("callerHostsWithTolerance", (Gauge<Integer>) () -> callers.hostsWithTolerance());
        getRuntimeContext().getMetricGroup().gauge("callerClockOffsetMsWidest", (Gauge<Integer>) () -> callers.widestOffset());
        getRuntimeContext().getMetricGroup().gauge("callerEdgesWithClockOffset", (Gauge<Integer>) () -> callers.callersWithOffset());
    }

    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
        bufferedState = context.getOperatorStateStore().getListState(new ListStateDescriptor<>("buffered-calls", Types.LONG));
        buffered = 0;
        for (Long count : bufferedState.get()) {
            buffered += count;
        }
        // every subtask sees every copy of the models; it takes its own back when the parallelism is
        // unchanged, else it merges them all (each counting 1 / their number)
        callersState = context.getOperatorStateStore().getUnionListState(
                new ListStateDescriptor<>("caller-models", PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO));
        callers = new CallerModels(callerSettings);
        int me = getRuntimeContext().getIndexOfThisSubtask();
        int of = getRuntimeContext().getNumberOfParallelSubtasks();
        List<byte[]> all = new ArrayList<>();
        List<byte[]> own = new ArrayList<>();
        for (byte[] copy : callersState.get()) {
            ByteBuffer header = ByteBuffer.wrap(copy, 0, 8);
            byte[] models = Arrays.copyOfRange(copy, 8, copy.length);
            all.add(models);
            if (header.getInt() == me && header.getInt() == of) {
                own.add(models);
            }
        }
        callers.restore(own.isEmpty() ? all : own);
        timeSettingsState = context.getOperatorStateStore().getUnionListState(
                new ListStateDescriptor<>("time-settings", PrimitiveArrayTypeInfo.LONG_PRIMITIVE_ARRAY_TYPE_INFO));
        for (long[] restored : timeSettingsState.get()) {
            refuseOtherTimeSettings(restored[0], restored[1]);
        }
    }

    /**
     * The keys and piece counts of the calls in flight follow from B and L: state written with other
     * ones would be read under the wrong keys, and their calls written with wrong pieces or none.
     */
    private void refuseOtherTimeSettings(long bucketMs, long maxLatencyMs) {
        if (bucketMs != buckets.bucketMs() || maxLatencyMs != buckets.maxLatencyMs()) {
            throw new IllegalStateException("job-match: the restored state was written with --bucket-ms " + bucketMs
                    + " --max-latency-ms " + maxLatencyMs + ", this run has --bucket-ms " + buckets.bucketMs() + " --max-latency-ms "
                    + buckets.maxLatencyMs() + "; resume with the settings of the state, or start without it (docs/reliability.md)");
        }
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) throws Exception {
        bufferedState.update(List.of(buffered));
        if (subtask == 0) {
            timeSettingsState.update(List.of(new long[] {buckets.bucketMs(), buckets.maxLatencyMs()}));
        }
        byte[] models = callers.snapshot();
        byte[] copy = ByteBuffer.allocate(8 + models.length).putInt(subtask).putInt(subtasks).put(models).array();
        callersState.update(List.of(copy));
    }

    @Override
    public void processElement(BucketedCall in, Context ctx, Collector<EdgePiece> out) throws Exception {
        long closesAt = buckets.closesAt(in.bucket);
        if (in.role == Role.CHILD && buckets.isOverMaxLatency(in.call)) {
            // counted once per call: a call has exactly one child copy
            overMaxLatencyCalls.inc();
        }
        long watermark = ctx.timerService().currentWatermark();
        if (watermark < closesAt) {
            (in.role == Role.CHILD ? children : parents).add(in.call);
            buffered++;
            ctx.timerService().registerEventTimeTimer(closesAt);
            return;
        }
        if (watermark < buckets.forgetsAt(in.bucket)) {
            matchAfterClose(in, watermark, ctx, out);
            return;
        }
        // a call longer than L + D can find the bucket of its start closed although it came on time
        // (its end is past the watermark): it is over the maximum latency, not late, and like every such
        // call stitched best-effort, here with no parents
        boolean late = !(in.role == Role.CHILD && buckets.isOverMaxLatency(in.call) && watermark < in.call.getEndAtMs());
        if (late) {
            lateCalls.inc();
        }
        emit(in.call, in.role, in.bucket, Collections.emptyList(), late, false, watermark, null, null, List.of(), out);
    }

    /**
     * A call for a bucket that has closed but whose calls are still kept: its edges with them are exact.
     * It is written at once with them; each partner, already written, gets an amending piece with this
     * call's id. No best parent is picked for it (the model decided the bucket when it closed).
     */
    private void matchAfterClose(BucketedCall in, long watermark, Context ctx, Collector<EdgePiece> out) throws Exception {
        List<String> ids = new ArrayList<>();
        if (in.role == Role.CHILD) {
            for (Call parent : toList(parents.get())) {
                if (EdgeRule.contains(parent, in.call)) {
                    ids.add(parent.getId());
                    emitAmendment(parent, Role.PARENT, in.bucket, in.call.getId(), watermark, out);
                }
            }
            children.add(in.call);
        } else {
            for (Call child : toList(children.get())) {
                if (EdgeRule.contains(in.call, child)) {
                    ids.add(child.getId());
                    emitAmendment(child, Role.CHILD, in.bucket, in.call.getId(), watermark, out);
                }
            }
            parents.add(in.call);
        }
        buffered++;
        callsMatchedAfterClose.inc();
        edgesFound.inc(ids.size());
        // kept for later calls of the bucket until it is forgotten; no timer yet if the bucket had no calls
        ctx.timerService().registerEventTimeTimer(buckets.forgetsAt(in.bucket));
        emit(in.call, in.role, in.bucket, ids, false, false, watermark, null, null, List.of(), out);
    }

    private void emitAmendment(Call partner, Role role, long bucket, String id, long watermark, Collector<EdgePiece> out) {
        List<String> ids = new ArrayList<>(1);
        ids.add(id);
        emit(partner, role, bucket, ids, false, true, watermark, null, null, List.of(), out);
        amendmentsWritten.inc();
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<EdgePiece> out) throws Exception {
        List<Call> bucketChildren = toList(children.get());
        List<Call> bucketParents = toList(parents.get());
        long bucket = bucketOfKey(ctx.getCurrentKey());
        if (timestamp != buckets.closesAt(bucket)) {
            // the grace is over: forget the bucket
            children.clear();
            parents.clear();
            buffered -= bucketChildren.size() + bucketParents.size();
            return;
        }
        List<IntList> candidates = new ArrayList<>(bucketChildren.size());
        for (int c = 0; c < bucketChildren.size(); c++) {
            candidates.add(new IntList());
        }
        // widened by the best parent's tolerance; the rule's own lists keep only what it contains
        int slack = bucketChildren.isEmpty() || !callerSettings.enabled ? 0 : callers.slackFor(bucketChildren.get(0).getSrcIp());
        ContainmentMatcher.match(bucketParents, bucketChildren, slack, (p, c) -> candidates.get(c).add(p));
        List<int[]> candidatesOf = new ArrayList<>(bucketChildren.size());
        List<List<String>> parentsOf = new ArrayList<>(bucketChildren.size());
        List<List<String>> childrenOf = emptyLists(bucketParents.size());
        for (int c = 0; c < bucketChildren.size(); c++) {
            Call child = bucketChildren.get(c);
            int[] parentIndexes = candidates.get(c).toArray();
            candidatesOf.add(parentIndexes);
            List<String> parentIds = new ArrayList<>(parentIndexes.length);
            for (int p : parentIndexes) {
                if (EdgeRule.contains(bucketParents.get(p), child)) {
                    parentIds.add(bucketParents.get(p).getId());
                    childrenOf.get(p).add(child.getId());
                }
            }
            parentsOf.add(parentIds);
        }
        CallerModels.Choice[] choices = new CallerModels.Choice[bucketChildren.size()];
        Arrays.fill(choices, CallerModels.Choice.NONE);
        if (!bucketChildren.isEmpty() && callerSettings.enabled) {
            boolean[] countParent = new boolean[bucketParents.size()];
            for (int p = 0; p < countParent.length; p++) {
                countParent[p] = buckets.firstParentBucket(bucketParents.get(p)) == bucket;
            }
            String ip = bucketChildren.get(0).getSrcIp();
            choices = callers.decideAndLearn(ip, timestamp, bucketParents, bucketChildren, candidatesOf, countParent);
        }
        List<List<String>> bestChildrenOf = emptyLists(bucketParents.size());
        for (int c = 0; c < bucketChildren.size(); c++) {
            List<String> parentIds = parentsOf.get(c);
            edgesFound.inc(parentIds.size());
            CallerModels.Choice choice = choices[c];
            if (choice.parentIndex >= 0) {
                bestChildrenOf.get(choice.parentIndex).add(bucketChildren.get(c).getId());
                emit(bucketChildren.get(c), Role.CHILD, bucket, parentIds, false, false, timestamp,
                        bucketParents.get(choice.parentIndex).getId(), choice.confidence, List.of(), out);
            } else {
                emit(bucketChildren.get(c), Role.CHILD, bucket, parentIds, false, false, timestamp, null, null, List.of(), out);
            }
        }
        for (int p = 0; p < bucketParents.size(); p++) {
            List<String> bestChildren = bestChildrenOf.get(p);
            bestChildren.sort(null);
            emit(bucketParents.get(p), Role.PARENT, bucket, childrenOf.get(p), false, false, timestamp, null, null, bestChildren, out);
        }
        bucketsClosed.inc();
        if (buckets.forgetsAt(bucket) > timestamp) {
            ctx.timerService().registerEventTimeTimer(buckets.forgetsAt(bucket));
            return;
        }
        children.clear();
        parents.clear();
        buffered -= bucketChildren.size() + bucketParents.size();
    }

    /** The bucket of a key of this operator ({@link BucketedCall#keyOf}). */
    private static long bucketOfKey(String key) {
        return Long.parseLong(key.substring(key.lastIndexOf('|') + 1));
    }

    private void emit(Call call, Role role, long bucket, List<String> ids, boolean late, boolean amends, long writtenAtMs,
            String bestParent, Double confidence, List<String> bestChildren, Collector<EdgePiece> out) {
        if (ids.size() > 1) {
            // each list is this function's own: sorted in place
            Collections.sort(ids);
        }
        // the constructor, not the builder: a builder validates and copies every field, once per piece
        out.collect(new EdgePiece(call, role, bucket, ids, buckets.pieces(call), late, buckets.isOverMaxLatency(call), writtenAtMs,
                subtask, subtasks, bestParent, confidence, bestChildren, amends));
        piecesWritten.inc();
    }

    private static List<Call> toList(Iterable<Call> calls) {
        List<Call> list = new ArrayList<>();
        if (calls != null) {
            for (Call call : calls) {
                list.add(call);
            }
        }
        return list;
    }

    private static List<List<String>> emptyLists(int count) {
        List<List<String>> lists = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            lists.add(new ArrayList<>());
        }
        return lists;
    }

    /** A growable list of ints: one per candidate edge, so no boxing. */
    private static final class IntList {
        private int[] values = new int[4];
        private int size;

        void add(int value) {
            if (size == values.length) {
                values = Arrays.copyOf(values, size * 2);
            }
            values[size++] = value;
        }

        int[] toArray() {
            return Arrays.copyOf(values, size);
        }
    }

    /** The best-parent models of this subtask. */
    CallerModels callerModelsForTests() {
        return callers;
    }

    /** What the {@code bufferedCalls} gauge reads. */
    long bufferedCallsForTests() {
        return buffered;
    }
}
