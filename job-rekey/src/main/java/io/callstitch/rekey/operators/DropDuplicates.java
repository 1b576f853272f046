package io.callstitch.rekey.operators;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.stream.Stream;
import io.callstitch.rekey.IdShards;
import io.callstitch.rekey.NewIdFilter;
import io.callstitch.rekey.RetentionSlices;
import io.callstitch.schema.Call;
import io.callstitch.schema.ParsedInput;
import io.callstitch.schema.Reason;
import io.callstitch.schema.SeenCall;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.common.typeutils.base.LongSerializer;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.state.internal.InternalListState;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.ChainingStrategy;
import org.apache.flink.streaming.api.operators.InternalTimer;
import org.apache.flink.streaming.api.operators.InternalTimerService;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.operators.Triggerable;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * Passes the first record of each call id on at once; drops later records of that id with identical
 * content (a probe or producer retry) and counts them; rejects a later record of that id with different
 * content to the dead-letter side output as {@code DUPLICATE_ID_CONFLICT}, with the first record's
 * content in its detail.
 *
 * <p><b>How long an id is remembered.</b> An id belongs to the one-second slice of event time of
 * {@code t = max(end_at_ms, watermark when its first record came)}, and is forgotten with its whole slice
 * once the watermark reaches {@link RetentionSlices#forgetAt}: at least {@code retention} after {@code t}
 * and less than one second longer. A later record of the id that comes before then is dropped or
 * rejected; one that comes after passes as new.
 *
 * <p><b>Keys and state.</b> Keyed by the key group of the id ({@link IdShards}): ids reach the subtasks
 * keying by id would send them to, but timers are per key group. Per key group: the first content of
 * each id remembered ({@code first-call-of-id}, id to {@link SeenCall}), and per slice the ids that belong
 * to it ({@code ids-of-slice}, namespace: the slice). One event-time timer per key group and slice forgets
 * the slice's ids. The ids first seen since the last checkpoint wait in memory and go into
 * {@code ids-of-slice} in one append per key group and slice at the next checkpoint (a restore replays
 * the records after it, so nothing is lost), or straight from memory if their slice ends first: a new id
 * costs one state write, not two. State holds about rate x (D + retention + 1 s) ids whatever the run
 * time, and at most one timer per key group and second of that span: a checkpoint writes thousands of
 * timers synchronously, not one per id remembered.
 *
 * <p>Metrics: {@code duplicatesDropped}, {@code deadLetters.DUPLICATE_ID_CONFLICT}.
 */
public final class DropDuplicates extends AbstractStreamOperator<Call>
        implements OneInputStreamOperator<ParsedInput, Call>, Triggerable<Integer, Long> {
    private static final long serialVersionUID = 1L;

    private final RetentionSlices slices;
    private transient MapState<String, SeenCall> firstOfId;
    private transient InternalListState<Integer, Long, String> idsOfSlice;
    private transient InternalTimerService<Long> forgetSlices;
    // the ids first seen since the last checkpoint, by key group key and slice (see the class comment)
    private transient Map<SliceOfKey, List<String>> toIndex;
    private transient NewIdFilter seen;
    // the watermark from which every id in state is in the filter: the ids restored are not
    private transient long filterCompleteAt;
    private transient boolean restored;
    private transient Counter duplicatesDropped;
    private transient Counter conflicts;

    public DropDuplicates(long retentionMs) {
        this.slices = new RetentionSlices(retentionMs);
        this.chainingStrategy = ChainingStrategy.ALWAYS;
    }

    @Override
    @SuppressWarnings("unchecked") // the state made for this descriptor and namespace type is an InternalListState
    public void open() throws Exception {
        super.open();
        firstOfId = getPartitionedState(firstOfIdDescriptor());
        idsOfSlice = (InternalListState<Integer, Long, String>) getOrCreateKeyedState(LongSerializer.INSTANCE, idsOfSliceDescriptor());
        forgetSlices = getInternalTimerService("forget-slices", LongSerializer.INSTANCE, this);
        toIndex = new HashMap<>();
        seen = new NewIdFilter();
        OptionalLong newestRestored = restored ? newestSliceInState() : OptionalLong.empty();
        filterCompleteAt = newestRestored.isPresent() ? slices.forgetAt(newestRestored.getAsLong()) : Long.MIN_VALUE;
        duplicatesDropped = getMetricGroup().counter("duplicatesDropped");
        conflicts = getMetricGroup().addGroup("deadLetters").counter(Reason.DUPLICATE_ID_CONFLICT.name());
    }

    @Override
    public void processElement(StreamRecord<ParsedInput> element) throws Exception {
        ParsedInput input = element.getValue();
        Call call = input.getCall();
        String id = call.getId();
        // nearly every id is new: the filter spares reading state for it
        boolean mightBeKnown = forgetSlices.currentWatermark() < filterCompleteAt || seen.mightHave(id);
        SeenCall first = mightBeKnown ? firstOfId.get(id) : null;
        if (first == null) {
            firstOfId.put(id, new SeenCall(call.getSrcIp(), call.getDstIp(), call.getStartAtMs(), call.getLatencyMsec(), call.getEndAtMs()));
            long slice = slices.sliceOf(call.getEndAtMs(), forgetSlices.currentWatermark());
            toIndexOf((Integer) getCurrentKey(), slice).add(id);
            seen.add(id, slice);
            output.collect(element.replace(call));
        } else if (sameContent(first, call)) {
            duplicatesDropped.inc();
        } else {
            conflicts.inc();
            output.collect(DeadLetters.TAG, new StreamRecord<>(DeadLetters.of(input, Reason.DUPLICATE_ID_CONFLICT,
                    "id " + id + " was already seen with different content: " + describe(first)), element.getTimestamp()));
        }
    }

    private List<String> toIndexOf(Integer key, long slice) {
        SliceOfKey sliceOfKey = new SliceOfKey(key, slice);
        List<String> ids = toIndex.get(sliceOfKey);
        if (ids == null) {
            ids = new ArrayList<>();
            toIndex.put(sliceOfKey, ids);
            // the first id of this key group and slice since the last checkpoint: one timer per key group and
            // slice, and registering it again later is a no-op
            forgetSlices.registerEventTimeTimer(slice, slices.forgetAt(slice));
        }
        return ids;
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        restored = context.isRestored();
    }

    /** The newest slice of the ids this subtask restored, from the index: they are forgotten by its end. */
    private OptionalLong newestSliceInState() {
        try (Stream<Tuple2<Integer, Long>> slicesOfKeys = this.<Integer>getKeyedStateBackend().<Long>getKeysAndNamespaces(
                idsOfSliceDescriptor().getName())) {
            return slicesOfKeys.mapToLong(sliceOfKey -> sliceOfKey.f1).max();
        }
    }

    @Override
    public void processWatermark(Watermark mark) throws Exception {
        // the timers first: the filter may drop a generation only once its slices have left the state
        super.processWatermark(mark);
        seen.forgetThrough(slices.lastForgottenSlice(mark.getTimestamp()));
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        // before the keyed state is snapshotted: the new ids go into the index they are forgotten by
        for (Map.Entry<SliceOfKey, List<String>> ids : toIndex.entrySet()) {
            setCurrentKey(ids.getKey().key);
            idsOfSlice.setCurrentNamespace(ids.getKey().slice);
            idsOfSlice.addAll(ids.getValue());
        }
        toIndex.clear();
        super.snapshotState(context);
    }

    @Override
    public void onEventTime(InternalTimer<Integer, Long> timer) throws Exception {
        // the timer service has set the key group's key
        long slice = timer.getNamespace();
        idsOfSlice.setCurrentNamespace(slice);
        forget(idsOfSlice.get());
        idsOfSlice.clear();
        forget(toIndex.remove(new SliceOfKey(timer.getKey(), slice)));
    }

    private void forget(Iterable<String> ids) throws Exception {
        if (ids != null) {
            for (String id : ids) {
                firstOfId.remove(id);
            }
        }
    }

    @Override
    public void onProcessingTime(InternalTimer<Integer, Long> timer) {
        // no processing-time timers are registered
    }

    /** A key group's key and a slice: where an id first seen since the last checkpoint goes in the index. */
    private static final class SliceOfKey {
        final Integer key;
        final long slice;

        SliceOfKey(Integer key, long slice) {
            this.key = key;
            this.slice = slice;
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof SliceOfKey && ((SliceOfKey) other).key.equals(key) && ((SliceOfKey) other).slice == slice;
        }

        @Override
        public int hashCode() {
            return 31 * key + Long.hashCode(slice);
        }
    }

    /** The ids remembered, with their first content, per key group; a test counts them through it. */
    static MapStateDescriptor<String, SeenCall> firstOfIdDescriptor() {
        return new MapStateDescriptor<>("first-call-of-id", Types.STRING, new AvroTypeInfo<>(SeenCall.class));
    }

    /** The ids of one slice (the namespace) per key group, to forget them together. */
    static ListStateDescriptor<String> idsOfSliceDescriptor() {
        return new ListStateDescriptor<>("ids-of-slice", Types.STRING);
    }

    private static boolean sameContent(SeenCall first, Call call) {
        return first.getStartAtMs() == call.getStartAtMs() && first.getLatencyMsec() == call.getLatencyMsec()
                && first.getEndAtMs() == call.getEndAtMs() && first.getSrcIp().equals(call.getSrcIp())
                && first.getDstIp().equals(call.getDstIp());
    }

    private static String describe(SeenCall call) {
        return call.getSrcIp() + "->" + call.getDstIp() + " [" + call.getStartAtMs() + ", " + call.getEndAtMs() + "]";
    }
}
