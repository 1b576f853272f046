package io.callstitch.match.operators;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.List;
import io.callstitch.common.EdgeRule;
import io.callstitch.common.EdgeRule.Buckets;
import io.callstitch.match.ContainmentMatcher;
import io.callstitch.match.caller.CallerModels;
import io.callstitch.match.caller.ModelSettings;
import io.callstitch.schema.Call;
import io.callstitch.schema.ClosedBucket;
import io.callstitch.schema.EdgePiece;
import io.callstitch.schema.Role;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Keyed by ip: the one home of each host's caller model. It receives the closed buckets of its ips from
 * {@link MatchEdges}, whichever subtask closed them, and decides them in bucket order on the watermark:
 * bucket b waits for the watermark to reach its close time, which it can only do once every subtask of
 * {@link MatchEdges} has closed b (a bucket is handed on before the watermark that closed it). One sweep
 * ({@link ContainmentMatcher}) then finds the rule's edges among the bucket's calls and, widened by the
 * model's slack, each child's candidates; its best parent is picked among them with the ip's
 * {@link CallerModels}, which learn from the bucket, and one {@link EdgePiece} is written per call of the
 * bucket. The edges are found here rather than where the bucket closed so that the hand-over carries the
 * calls only, not every edge's ids (hundreds per call on a hot gateway). The model of a host sees all its
 * buckets, so the best parents are the same at every parallelism.
 *
 * <p>Pieces that are final already (matched after the close, late) are written at once. Every piece
 * says how far this subtask had got when it was written (the bucket's close time, or the watermark) and
 * which subtask of how many wrote it: job-assemble's event time, which drives its safety net, is the
 * slowest subtask's progress.
 *
 * <p>State: the buckets waiting for the watermark, and the models. A bucket waits a watermark step or
 * two (it is handed on as the watermark reaches its close), so the waiting buckets are few and held on
 * the heap, written to union operator state at each checkpoint; as keyed state on RocksDB each bucket,
 * all its calls, would be written and read back once more. On a restore, at this or any other
 * parallelism, each subtask keeps the waiting buckets and the models (each host whole) whose ip is keyed
 * to it; the buckets' timers are keyed state and land on that subtask too.
 * Metrics: {@code piecesWritten}, {@code edgesFound} (the rule's edges found when buckets close), the gauge
 * {@code bucketsWaiting}, and
 * the gauges {@code callerModelHosts}, {@code callerModelKinds}, {@code callerModelKindsRefused},
 * {@code callerToleranceMsWidest}, {@code callerHostsWithTolerance}, {@code callerClockOffsetMsWidest} and
 * {@code callerEdgesWithClockOffset}.
 */
public final class DecideCallers extends KeyedProcessFunction<String, ClosedBucket, EdgePiece> implements CheckpointedFunction {
    private static final long serialVersionUID = 1L;

    private final Buckets buckets;
    private final ModelSettings callerSettings;
    private transient CallerModels callers;
    private transient ListState<byte[]> callersState;
    /** The closed buckets waiting for the watermark, by ip, then close time: on the heap, see the class doc. */
    private transient Map<String, TreeMap<Long, ClosedBucket>> waiting;
    private transient int waitingCount;
    private transient ListState<ClosedBucket> waitingState;
    private transient Counter piecesWritten;
    private transient Counter edgesFound;
    private transient int subtask;
    private transient int subtasks;

    public DecideCallers(Buckets buckets, ModelSettings callers) {
        this.buckets = buckets;
        this.callerSettings = callers;
    }

    @Override
    public void open(Configuration parameters) {
        subtask = getRuntimeContext().getIndexOfThisSubtask();
        subtasks = getRuntimeContext().getNumberOfParallelSubtasks();
        piecesWritten = getRuntimeContext().getMetricGroup().counter("piecesWritten");
        getRuntimeContext().getMetricGroup().gauge("bucketsWaiting", (Gauge<Integer>) () -> waitingCount);
        edgesFound = getRuntimeContext().getMetricGroup().counter("edgesFound");
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
        // every subtask sees every copy of the models and keeps the hosts keyed to it now
        callersState = context.getOperatorStateStore().getUnionListState(
                new ListStateDescriptor<>("caller-models", PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO));
        callers = new CallerModels(callerSettings);
        int me = getRuntimeContext().getIndexOfThisSubtask();
        int of = getRuntimeContext().getNumberOfParallelSubtasks();
        int maxParallelism = getRuntimeContext().getMaxNumberOfParallelSubtasks();
        List<byte[]> copies = new ArrayList<>();
        for (byte[] copy : callersState.get()) {
            // the first 8 bytes say which subtask of how many wrote the copy, for a reader of the state
            copies.add(Arrays.copyOfRange(copy, 8, copy.length));
        }
        Predicate<String> keyedHere = ip -> KeyGroupRangeAssignment.assignKeyToParallelOperator(ip, maxParallelism, of) == me;
        callers.restore(copies, keyedHere);
        // the same for the buckets that were waiting: each is taken by the subtask its ip is keyed to, whose
        // keyed state holds the bucket's timer
        waitingState = context.getOperatorStateStore().getUnionListState(
                new ListStateDescriptor<>("waiting-buckets", new AvroTypeInfo<>(ClosedBucket.class)));
        waiting = new HashMap<>();
        waitingCount = 0;
        for (ClosedBucket bucket : waitingState.get()) {
            if (keyedHere.test(bucket.getIp())) {
                wait(bucket);
            }
        }
    }

    private void wait(ClosedBucket bucket) {
        waiting.computeIfAbsent(bucket.getIp(), ip -> new TreeMap<>()).put(buckets.closesAt(bucket.getBucket()), bucket);
        waitingCount++;
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) throws Exception {
        byte[] models = callers.snapshot();
        byte[] copy = ByteBuffer.allocate(8 + models.length).putInt(subtask).putInt(subtasks).put(models).array();
        callersState.update(List.of(copy));
        List<ClosedBucket> all = new ArrayList<>(waitingCount);
        for (TreeMap<Long, ClosedBucket> ofIp : waiting.values()) {
            all.addAll(ofIp.values());
        }
        waitingState.update(all);
    }

    @Override
    public void processElement(ClosedBucket in, Context ctx, Collector<EdgePiece> out) throws Exception {
        if (!in.getReady().isEmpty()) {
            long watermark = ctx.timerService().currentWatermark();
            for (EdgePiece piece : in.getReady()) {
                // this subtask has written every bucket up to its own watermark, which may trail the one
                // the piece was made at
                if (watermark > Long.MIN_VALUE) {
                    piece.setWrittenAtMs(Math.min(piece.getWrittenAtMs(), watermark));
                }
                write(piece, out);
            }
            return;
        }
        wait(in);
        ctx.timerService().registerEventTimeTimer(buckets.closesAt(in.getBucket()));
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<EdgePiece> out) throws Exception {
        TreeMap<Long, ClosedBucket> ofIp = waiting.get(ctx.getCurrentKey());
        ClosedBucket bucket = ofIp == null ? null : ofIp.remove(timestamp);
        if (bucket == null) {
            return;
        }
        waitingCount--;
        if (ofIp.isEmpty()) {
            waiting.remove(ctx.getCurrentKey());
        }
        List<Call> children = bucket.getChildren();
        List<Call> parents = bucket.getParents();
        String ip = bucket.getIp();
        boolean pick = !children.isEmpty() && callerSettings.enabled;
        // one sweep finds the rule's edges and, widened by the model's slack, the best parents' candidates
        long slack = pick ? callers.slackFor(ip) : 0;
        IntList[] parentsOf = intLists(children.size());
        List<IntList> candidates = new ArrayList<>(pick ? children.size() : 0);
        for (int c = 0; pick && c < children.size(); c++) {
            candidates.add(new IntList());
        }
        ContainmentMatcher.match(parents, children, slack, (p, c) -> {
            if (pick) {
                candidates.get(c).add(p);
            }
            if (slack == 0 || EdgeRule.contains(parents.get(p), children.get(c))) {
                parentsOf[c].add(p);
            }
        });
        // the id lists come out sorted with no sort per list (sorting every edge's ids was the largest item
        // of this work on a hot gateway, hundreds per call): visiting the children in id order gives each
        // parent its children in id order, and visiting the parents in id order then gives each child its
        // parents in id order
        IntList[] childrenOf = intLists(parents.size());
        for (int c : CallerModels.idOrder(children)) {
            for (int i = 0; i < parentsOf[c].size; i++) {
                childrenOf[parentsOf[c].values[i]].add(c);
            }
        }
        List<List<String>> parentIds = new ArrayList<>(children.size());
        for (IntList of : parentsOf) {
            parentIds.add(new ArrayList<>(of.size));
        }
        List<List<String>> childIds = new ArrayList<>(parents.size());
        for (int p = 0; p < parents.size(); p++) {
            childIds.add(new ArrayList<>(childrenOf[p].size));
        }
        for (int p : CallerModels.idOrder(parents)) {
            String parentId = parents.get(p).getId();
            List<String> ids = childIds.get(p);
            for (int i = 0; i < childrenOf[p].size; i++) {
                int c = childrenOf[p].values[i];
                ids.add(children.get(c).getId());
                parentIds.get(c).add(parentId);
            }
        }
        long edges = 0;
        for (List<String> ids : parentIds) {
            edges += ids.size();
        }
        edgesFound.inc(edges);
        CallerModels.Choice[] choices = new CallerModels.Choice[children.size()];
        Arrays.fill(choices, CallerModels.Choice.NONE);
        if (pick) {
            choices = decide(ip, bucket.getBucket(), timestamp, parents, children, candidates);
        }
        List<List<String>> bestChildrenOf = new ArrayList<>(parents.size());
        for (int p = 0; p < parents.size(); p++) {
            bestChildrenOf.add(new ArrayList<>());
        }
        for (int c = 0; c < children.size(); c++) {
            CallerModels.Choice choice = choices[c];
            String bestParent = null;
            Double confidence = null;
            if (choice.parentIndex >= 0) {
                bestChildrenOf.get(choice.parentIndex).add(children.get(c).getId());
                bestParent = parents.get(choice.parentIndex).getId();
                confidence = choice.confidence;
            }
            write(piece(children.get(c), Role.CHILD, bucket.getBucket(), parentIds.get(c), timestamp, bestParent, confidence,
                    List.of()), out);
        }
        for (int p = 0; p < parents.size(); p++) {
            List<String> bestChildren = bestChildrenOf.get(p);
            bestChildren.sort(null);
            write(piece(parents.get(p), Role.PARENT, bucket.getBucket(), childIds.get(p), timestamp, null, null, bestChildren),
                    out);
        }
    }

    /** The best parents of one closed bucket of host {@code ip}, among candidates widened by the model's slack. */
    private CallerModels.Choice[] decide(String ip, long bucket, long closedAtMs, List<Call> parents, List<Call> children,
            List<IntList> candidates) {
        List<int[]> candidatesOf = new ArrayList<>(children.size());
        for (IntList list : candidates) {
            candidatesOf.add(list.toArray());
        }
        boolean[] countParent = new boolean[parents.size()];
        for (int p = 0; p < countParent.length; p++) {
            countParent[p] = buckets.firstParentBucket(parents.get(p)) == bucket;
        }
        return callers.decideAndLearn(ip, closedAtMs, parents, children, candidatesOf, countParent);
    }

    private EdgePiece piece(Call call, Role role, long bucket, List<String> ids, long writtenAtMs, String bestParent, Double confidence,
            List<String> bestChildren) {
        // the constructor, not the builder: a builder validates and copies every field, once per piece
        return new EdgePiece(call, role, bucket, ids, buckets.pieces(call), false, buckets.isOverMaxLatency(call), writtenAtMs,
                subtask, subtasks, bestParent, confidence, bestChildren, false);
    }

    private static IntList[] intLists(int count) {
        IntList[] lists = new IntList[count];
        for (int i = 0; i < count; i++) {
            lists[i] = new IntList();
        }
        return lists;
    }

    private void write(EdgePiece piece, Collector<EdgePiece> out) {
        piece.setWriterSubtask(subtask);
        piece.setWriters(subtasks);
        out.collect(piece);
        piecesWritten.inc();
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

    /** How many closed buckets wait for the watermark here. */
    int waitingBucketsForTests() {
        return waitingCount;
    }

    /** The best-parent models of this subtask. */
    CallerModels callerModelsForTests() {
        return callers;
    }
}
