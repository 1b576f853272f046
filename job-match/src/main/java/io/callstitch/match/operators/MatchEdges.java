package io.callstitch.match.operators;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import io.callstitch.match.BucketedCall;
import io.callstitch.match.Buckets;
import io.callstitch.match.ContainmentMatcher;
import io.callstitch.schema.Call;
import io.callstitch.schema.EdgePiece;
import io.callstitch.schema.Role;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
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
 * with {@link ContainmentMatcher}, writes one {@link EdgePiece} per buffered call, and drops the
 * bucket's state whole.
 *
 * <p>A call arriving after its bucket closed is not dropped: it is written at once as a piece marked
 * late, with no ids (nothing of its bucket is buffered any more).
 *
 * <p>Every piece says how far this subtask had got when it was written (the bucket's close time, or the
 * watermark for a late piece) and which subtask of how many wrote it: job-assemble's event time, which
 * drives its safety net, is the slowest subtask's progress.
 *
 * <p>State: two append-only lists per key (appending does not read the list, which is cheap on
 * RocksDB), one event-time timer per key, and per subtask the number of call copies buffered (in
 * operator state, so the gauge survives restarts; after a rescale the sum over subtasks stays exact).
 * Metrics: {@code edgesFound}, {@code piecesWritten}, {@code lateCalls}, {@code overMaxLatencyCalls},
 * {@code bucketsClosed}, and the gauge {@code bufferedCalls}.
 */
public final class MatchEdges extends KeyedProcessFunction<String, BucketedCall, EdgePiece> implements CheckpointedFunction {
    private static final long serialVersionUID = 1L;

    private final Buckets buckets;
    private transient ListState<Call> children;
    private transient ListState<Call> parents;
    private transient Counter edgesFound;
    private transient Counter piecesWritten;
    private transient Counter lateCalls;
    private transient Counter overMaxLatencyCalls;
    private transient Counter bucketsClosed;
    private transient ListState<Long> bufferedState;
    private transient long buffered;
    private transient int subtask;
    private transient int subtasks;

    public MatchEdges(Buckets buckets) {
        this.buckets = buckets;
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
        getRuntimeContext().getMetricGroup().gauge("bufferedCalls", (Gauge<Long>) () -> buffered);
    }

    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
        bufferedState = context.getOperatorStateStore().getListState(new ListStateDescriptor<>("buffered-calls", Types.LONG));
        buffered = 0;
        for (Long count : bufferedState.get()) {
            buffered += count;
        }
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) throws Exception {
        bufferedState.update(List.of(buffered));
    }

    @Override
    public void processElement(BucketedCall in, Context ctx, Collector<EdgePiece> out) throws Exception {
        long closesAt = buckets.closesAt(in.bucket);
        if (in.role == Role.CHILD && buckets.isOverMaxLatency(in.call)) {
            // counted once per call: a call has exactly one child copy
            overMaxLatencyCalls.inc();
        }
        if (ctx.timerService().currentWatermark() >= closesAt) {
            lateCalls.inc();
            emit(in.call, in.role, in.bucket, Collections.emptyList(), true, ctx.timerService().currentWatermark(), out);
            return;
        }
        (in.role == Role.CHILD ? children : parents).add(in.call);
        buffered++;
        ctx.timerService().registerEventTimeTimer(closesAt);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<EdgePiece> out) throws Exception {
        List<Call> bucketChildren = toList(children.get());
        List<Call> bucketParents = toList(parents.get());
        List<List<String>> parentsOf = emptyLists(bucketChildren.size());
        List<List<String>> childrenOf = emptyLists(bucketParents.size());
        ContainmentMatcher.match(bucketParents, bucketChildren, (p, c) -> {
            parentsOf.get(c).add(bucketParents.get(p).getId());
            childrenOf.get(p).add(bucketChildren.get(c).getId());
        });
        long bucket = buckets.bucketClosingAt(timestamp);
        for (int c = 0; c < bucketChildren.size(); c++) {
            edgesFound.inc(parentsOf.get(c).size());
            emit(bucketChildren.get(c), Role.CHILD, bucket, parentsOf.get(c), false, timestamp, out);
        }
        for (int p = 0; p < bucketParents.size(); p++) {
            emit(bucketParents.get(p), Role.PARENT, bucket, childrenOf.get(p), false, timestamp, out);
        }
        children.clear();
        parents.clear();
        buffered -= bucketChildren.size() + bucketParents.size();
        bucketsClosed.inc();
    }

    private void emit(Call call, Role role, long bucket, List<String> ids, boolean late, long writtenAtMs,
            Collector<EdgePiece> out) {
        if (ids.size() > 1) {
            // each list is this function's own: sorted in place
            Collections.sort(ids);
        }
        // the constructor, not the builder: a builder validates and copies every field, once per piece
        out.collect(new EdgePiece(call, role, bucket, ids, buckets.pieces(call), late, buckets.isOverMaxLatency(call), writtenAtMs,
                subtask, subtasks));
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

    /** What the {@code bufferedCalls} gauge reads. */
    long bufferedCallsForTests() {
        return buffered;
    }
}
