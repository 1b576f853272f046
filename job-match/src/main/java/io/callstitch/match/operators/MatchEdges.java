package io.callstitch.match.operators;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import io.callstitch.common.EdgeRule;
import io.callstitch.match.BucketedCall;
import io.callstitch.common.EdgeRule.Buckets;
import io.callstitch.schema.Call;
import io.callstitch.schema.ClosedBucket;
import io.callstitch.schema.EdgePiece;
import io.callstitch.schema.Role;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.ChainingStrategy;
import org.apache.flink.streaming.api.operators.InternalTimer;
import org.apache.flink.streaming.api.operators.InternalTimerService;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.operators.TimestampedCollector;
import org.apache.flink.streaming.api.operators.Triggerable;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * Keyed by (ip, bucket). Buffers the calls that look for parents here (children: src_ip is the ip and
 * start in the bucket) and the calls that look for children here (parents: dst_ip is the ip and the
 * interval overlaps the bucket). When the watermark reaches the bucket's close time
 * ({@link Buckets#closesAt}), every on-time call of the bucket has arrived: it hands the bucket's calls to
 * {@link DecideCallers}, keyed by ip, which finds all the rule's edges among them at once, picks the best
 * parents with the ip's one model and writes the pieces.
 *
 * <p>A closed bucket's calls are kept for the grace ({@link Buckets#forgetsAt}). A call arriving after
 * the close but within the grace is matched against them at once, exactly; its piece and an amending
 * piece ({@code amends}) for each partner it finds, with its id, for job-assemble to add to the partner's
 * record (already written: written again, REVISED), go on ready to be written. A call arriving after the
 * grace is not dropped: it goes on at once as a piece marked late, with no ids (nothing of its bucket is
 * buffered any more).
 *
 * <p>State: two append-only lists per key, one event-time timer per key, and per subtask the number of
 * call copies buffered (in operator state, so the gauge survives restarts; after a rescale the sum over
 * subtasks stays exact). The copies that came since the last checkpoint wait on the heap, by key, and go
 * into the lists at the next checkpoint in one append per key and list (or at the bucket's close, if that
 * comes first); a restore replays the records after the checkpoint, so nothing is lost. A key's timer is
 * registered with its first copy of each checkpoint interval. So a copy costs an append to a list in
 * memory, not a state write and a timer registration each (a sixth of the matching task's CPU,
 * docs/performance.md), and the heap holds at most the copies of one checkpoint interval.
 * B and L are kept in operator state too, and a restore with other ones is refused: they decide the
 * keys and piece counts of the calls in flight.
 * Metrics: {@code edgesFound} (of calls matched after the close; DecideCallers counts those found at the
 * close), {@code lateCalls}, {@code overMaxLatencyCalls}, {@code bucketsClosed}, {@code callsMatchedAfterClose},
 * {@code amendmentsWritten}, and the gauge {@code bufferedCalls}.
 *
 * <p>An operator rather than a {@code KeyedProcessFunction}: it writes the waiting copies of every key at
 * the checkpoint, which takes setting the key. Its operator state and timers are those the function kept
 * (the same names, the timers under {@code KeyedProcessOperator}'s service name), so state of the earlier
 * versions restores.
 */
public final class MatchEdges extends AbstractStreamOperator<ClosedBucket>
        implements OneInputStreamOperator<BucketedCall, ClosedBucket>, Triggerable<String, VoidNamespace> {
    private static final long serialVersionUID = 1L;

    /** The operator state that held each subtask's caller models before {@link DecideCallers} did. */
    static final String OLD_CALLER_MODELS = "caller-models";
    /** The timers' service: the name {@code KeyedProcessOperator} gave it, under which earlier versions saved them. */
    static final String TIMERS = "user-timers";

    private final Buckets buckets;
    private transient ListState<long[]> timeSettingsState;
    private transient ListState<Call> children;
    private transient ListState<Call> parents;
    private transient InternalTimerService<VoidNamespace> timers;
    /** The copies that came since the last checkpoint, by key: see the class doc. */
    private transient Map<String, Arrivals> arrived;
    /**
     * The closed buckets kept for the grace, by key, with how many copies they keep: their forget then only
     * clears the lists, without reading them back to count them. Not in checkpoints: a bucket restored in its
     * grace is counted when it is forgotten.
     */
    private transient Map<String, Integer> inGrace;
    private transient TimestampedCollector<ClosedBucket> out;
    private transient Counter edgesFound;
    private transient Counter lateCalls;
    private transient Counter overMaxLatencyCalls;
    private transient Counter bucketsClosed;
    private transient Counter callsMatchedAfterClose;
    private transient Counter amendmentsWritten;
    private transient ListState<Long> bufferedState;
    private transient long buffered;
    private transient int subtask;

    public MatchEdges(Buckets buckets) {
        this.buckets = buckets;
        this.chainingStrategy = ChainingStrategy.ALWAYS;
    }

    /** One key's copies since the last checkpoint. */
    private static final class Arrivals {
        final List<Call> children = new ArrayList<>();
        final List<Call> parents = new ArrayList<>();
    }

    @Override
    public void open() throws Exception {
        super.open();
        subtask = getRuntimeContext().getIndexOfThisSubtask();
        AvroTypeInfo<Call> callType = new AvroTypeInfo<>(Call.class);
        children = getPartitionedState(new ListStateDescriptor<>("children", callType));
        parents = getPartitionedState(new ListStateDescriptor<>("parents", callType));
        timers = getInternalTimerService(TIMERS, VoidNamespaceSerializer.INSTANCE, this);
        arrived = new HashMap<>();
        inGrace = new HashMap<>();
        out = new TimestampedCollector<>(output);
        edgesFound = getMetricGroup().counter("edgesFound");
        lateCalls = getMetricGroup().counter("lateCalls");
        overMaxLatencyCalls = getMetricGroup().counter("overMaxLatencyCalls");
        bucketsClosed = getMetricGroup().counter("bucketsClosed");
        callsMatchedAfterClose = getMetricGroup().counter("callsMatchedAfterClose");
        amendmentsWritten = getMetricGroup().counter("amendmentsWritten");
        getMetricGroup().gauge("bufferedCalls", (Gauge<Long>) () -> buffered);
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        bufferedState = context.getOperatorStateStore().getListState(new ListStateDescriptor<>("buffered-calls", Types.LONG));
        buffered = 0;
        for (Long count : bufferedState.get()) {
            buffered += count;
        }
        timeSettingsState = context.getOperatorStateStore().getUnionListState(
                new ListStateDescriptor<>("time-settings", PrimitiveArrayTypeInfo.LONG_PRIMITIVE_ARRAY_TYPE_INFO));
        for (long[] restored : timeSettingsState.get()) {
            // state written before the skew margin has two settings: its margin was 0
            refuseOtherTimeSettings(restored[0], restored[1], restored.length > 2 ? restored[2] : 0);
        }
        // state of a version whose subtasks each learned their own caller models here: the models are
        // DecideCallers' now, and these copies would otherwise be carried, as union state, into every
        // checkpoint after, n times over after each restore
        context.getOperatorStateStore().getUnionListState(
                new ListStateDescriptor<>(OLD_CALLER_MODELS, PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO)).clear();
    }

    /**
     * The keys and piece counts of the calls in flight follow from B, L and the skew margin: state written
     * with other ones would be read under the wrong keys, and their calls written with wrong pieces or none.
     */
    private void refuseOtherTimeSettings(long bucketMs, long maxLatencyMs, long skewMarginMs) {
        if (bucketMs != buckets.bucketMs() || maxLatencyMs != buckets.maxLatencyMs() || skewMarginMs != buckets.skewMarginMs()) {
            throw new IllegalStateException("job-match: the restored state was written with --bucket-ms " + bucketMs
                    + " --max-latency-ms " + maxLatencyMs + " --skew-margin-ms " + skewMarginMs + ", this run has --bucket-ms "
                    + buckets.bucketMs() + " --max-latency-ms " + buckets.maxLatencyMs() + " --skew-margin-ms " + buckets.skewMarginMs()
                    + "; resume with the settings of the state, or start without it (docs/reliability.md)");
        }
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        // before the keyed state is snapshotted: the copies since the last checkpoint go into their lists
        for (Map.Entry<String, Arrivals> entry : arrived.entrySet()) {
            setCurrentKey(entry.getKey());
            store(entry.getValue());
        }
        arrived.clear();
        super.snapshotState(context);
        bufferedState.update(List.of(buffered));
        if (subtask == 0) {
            timeSettingsState.update(List.of(new long[] {buckets.bucketMs(), buckets.maxLatencyMs(), buckets.skewMarginMs()}));
        }
    }

    /** Appends one key's waiting copies to its lists in state; the key must be set. */
    private void store(Arrivals arrivals) throws Exception {
        if (!arrivals.children.isEmpty()) {
            children.addAll(arrivals.children);
        }
        if (!arrivals.parents.isEmpty()) {
            parents.addAll(arrivals.parents);
        }
    }

    @Override
    public void processElement(StreamRecord<BucketedCall> element) throws Exception {
        BucketedCall in = element.getValue();
        out.setTimestamp(element);
        long closesAt = buckets.closesAt(in.bucket);
        if (in.role == Role.CHILD && buckets.isOverMaxLatency(in.call)) {
            // counted once per call: a call has exactly one child copy
            overMaxLatencyCalls.inc();
        }
        long watermark = timers.currentWatermark();
        if (watermark < closesAt) {
            String key = (String) getCurrentKey();
            Arrivals arrivals = arrived.get(key);
            if (arrivals == null) {
                arrivals = new Arrivals();
                arrived.put(key, arrivals);
                // once per key and checkpoint interval; the timer service keeps one timer per key and time
                timers.registerEventTimeTimer(VoidNamespace.INSTANCE, closesAt);
            }
            (in.role == Role.CHILD ? arrivals.children : arrivals.parents).add(in.call);
            buffered++;
            return;
        }
        if (in.role == Role.PARENT && in.bucket < buckets.firstParentBucket(in.call)) {
            // the skew margin's copy, for a bucket that closed: a parent by the rule of none of its children,
            // so the call is neither late nor matched here, and its piece says so
            List<EdgePiece> ready = new ArrayList<>(1);
            ready.add(piece(in.call, in.role, in.bucket, new ArrayList<>(), false, false, watermark));
            out.collect(readyPieces(in.ip, in.bucket, ready));
            return;
        }
        if (watermark < buckets.forgetsAt(in.bucket)) {
            matchAfterClose(in, watermark);
            return;
        }
        // a call longer than L + D can find the bucket of its start closed although it came on time
        // (its end is past the watermark): it is over the maximum latency, not late, and like every such
        // call stitched best-effort, here with no parents
        boolean late = !(in.role == Role.CHILD && buckets.isOverMaxLatency(in.call) && watermark < in.call.getEndAtMs());
        if (late) {
            lateCalls.inc();
        }
        List<EdgePiece> ready = new ArrayList<>(1);
        ready.add(piece(in.call, in.role, in.bucket, new ArrayList<>(), late, false, watermark));
        out.collect(readyPieces(in.ip, in.bucket, ready));
    }

    /**
     * A call for a bucket that has closed but whose calls are still kept (all in state: the close stored
     * the waiting ones): its edges with them are exact. It goes on at once with them; each partner, already
     * written, gets an amending piece with this call's id. No best parent is picked for it (the model
     * decided the bucket when it closed).
     */
    private void matchAfterClose(BucketedCall in, long watermark) throws Exception {
        List<String> ids = new ArrayList<>();
        List<EdgePiece> ready = new ArrayList<>();
        if (in.role == Role.CHILD) {
            for (Call parent : toList(parents.get())) {
                if (EdgeRule.contains(parent, in.call)) {
                    ids.add(parent.getId());
                    ready.add(amendment(parent, Role.PARENT, in.bucket, in.call.getId(), watermark));
                }
            }
            children.add(in.call);
        } else {
            for (Call child : toList(children.get())) {
                if (EdgeRule.contains(in.call, child)) {
                    ids.add(child.getId());
                    ready.add(amendment(child, Role.CHILD, in.bucket, in.call.getId(), watermark));
                }
            }
            parents.add(in.call);
        }
        buffered++;
        inGrace.computeIfPresent((String) getCurrentKey(), (key, kept) -> kept + 1);
        callsMatchedAfterClose.inc();
        edgesFound.inc(ids.size());
        // kept for later calls of the bucket until it is forgotten; no timer yet if the bucket had no calls
        timers.registerEventTimeTimer(VoidNamespace.INSTANCE, buckets.forgetsAt(in.bucket));
        ready.add(piece(in.call, in.role, in.bucket, ids, false, false, watermark));
        out.collect(readyPieces(in.ip, in.bucket, ready));
    }

    private EdgePiece amendment(Call partner, Role role, long bucket, String id, long watermark) {
        List<String> ids = new ArrayList<>(1);
        ids.add(id);
        amendmentsWritten.inc();
        return piece(partner, role, bucket, ids, false, true, watermark);
    }

    @Override
    public void onEventTime(InternalTimer<String, VoidNamespace> timer) throws Exception {
        // the timer service has set the key
        String key = timer.getKey();
        long timestamp = timer.getTimestamp();
        out.setAbsoluteTimestamp(timestamp);
        Arrivals arrivals = arrived.remove(key);
        long bucket = bucketOfKey(key);
        if (timestamp != buckets.closesAt(bucket)) {
            // the grace is over: forget the bucket (its copies are all in state since its close). How many there
            // were is known from the close, unless the bucket was restored in its grace: then they are counted
            Integer kept = inGrace.remove(key);
            buffered -= kept != null ? kept : toList(children.get()).size() + toList(parents.get()).size();
            children.clear();
            parents.clear();
            return;
        }
        List<Call> bucketChildren = toList(children.get());
        List<Call> bucketParents = toList(parents.get());
        if (arrivals != null) {
            bucketChildren.addAll(arrivals.children);
            bucketParents.addAll(arrivals.parents);
        }
        // the edges are found where the bucket is decided, in the same sweep as the best parents' candidates
        out.collect(new ClosedBucket(ipOfKey(key), bucket, bucketChildren, bucketParents, List.of()));
        bucketsClosed.inc();
        if (buckets.forgetsAt(bucket) > timestamp) {
            // kept for the grace, for calls that come after the close
            if (arrivals != null) {
                store(arrivals);
            }
            inGrace.put(key, bucketChildren.size() + bucketParents.size());
            timers.registerEventTimeTimer(VoidNamespace.INSTANCE, buckets.forgetsAt(bucket));
            return;
        }
        children.clear();
        parents.clear();
        buffered -= bucketChildren.size() + bucketParents.size();
    }

    @Override
    public void onProcessingTime(InternalTimer<String, VoidNamespace> timer) {
        // no processing-time timers are registered
    }

    /** The bucket of a key of this operator ({@link BucketedCall#keyOf}). */
    private static long bucketOfKey(String key) {
        return Long.parseLong(key.substring(key.lastIndexOf('|') + 1));
    }

    /** The ip of a key of this operator ({@link BucketedCall#keyOf}). */
    private static String ipOfKey(String key) {
        return key.substring(0, key.lastIndexOf('|'));
    }

    private static void sortIds(List<String> ids) {
        if (ids.size() > 1) {
            Collections.sort(ids);
        }
    }

    /**
     * A piece final as it is: who writes it and its best-parent fields are filled in by
     * {@link DecideCallers}.
     */
    private EdgePiece piece(Call call, Role role, long bucket, List<String> ids, boolean late, boolean amends, long writtenAtMs) {
        sortIds(ids);
        // the constructor, not the builder: a builder validates and copies every field, once per piece
        return new EdgePiece(call, role, bucket, ids, buckets.pieces(call), late, buckets.isOverMaxLatency(call), writtenAtMs,
                subtask, 0, null, null, List.of(), amends);
    }

    private static ClosedBucket readyPieces(String ip, long bucket, List<EdgePiece> ready) {
        return new ClosedBucket(ip, bucket, List.of(), List.of(), ready);
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

    /** What the {@code bufferedCalls} gauge reads. */
    long bufferedCallsForTests() {
        return buffered;
    }
}
