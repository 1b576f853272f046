package io.callstitch.assemble.operators;

import io.callstitch.assemble.CallAssembly;
import io.callstitch.assemble.DueCalls;
import io.callstitch.schema.AssemblyState;
import io.callstitch.schema.EdgePiece;
import io.callstitch.schema.Role;
import io.callstitch.schema.StitchedCall;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.ChainingStrategy;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gathers the pieces of each call and emits the call once, with its parents, children and status.
 *
 * <p><b>Keyed on</b> the call id ({@code piece.call.id}, which is also the Kafka key of
 * {@code calls.edges}).
 *
 * <p><b>State</b> per call id, while some but not all of its pieces have come and for the revision
 * window after it was written: one {@link AssemblyState} (the call, the pieces seen, the ids so far, its
 * flags and its next deadline), read and written once per piece. No timers: the deadlines are in a
 * {@link DueCalls} index in memory, by second of event time, rebuilt from this state after a restore.
 *
 * <p><b>Emits</b> the call the moment its last piece arrives (every piece carries the count), then
 * keeps it for {@code revisionWindowMs} of job-match's progress: a duplicate piece (same role and, for
 * PARENT, same bucket: at-least-once delivery) is then ignored and counted, and an amending piece (an
 * edge to a call that came after its bucket closed, within job-match's grace) writes the call again with
 * the edge added, {@code REVISED}. So an id is written once, or again only to supersede its record with a
 * more complete one. An amendment for a call no longer kept is counted ({@code amendmentsTooLate}) and
 * dropped: keep the window at least job-match's {@code --late-grace-ms}.
 *
 * <p><b>The safety net</b> for a piece that never comes runs in event time, and event time here is
 * job-match's progress: each piece carries the event time at which job-match wrote it
 * ({@code written_at_ms}). The first piece sets the call's deadline {@code timeoutMs} of that time later;
 * when job-match has got that far (rounded up to the whole second, {@link DueCalls}) and the call still
 * misses pieces, it is written {@code INCOMPLETE}. A stopped job-assemble, or a stopped job-match, moves
 * no event time, so an outage of either never times a call out. At the end of a bounded input the final
 * watermark writes whatever still waits. A call written {@code INCOMPLETE} is kept for the window too:
 * pieces that still come write it again.
 *
 * <p><b>Metrics</b>, each emitted record counted once: {@code callsStitched} (all), and by the status
 * written {@code callsIncomplete}, {@code callsLate}, {@code callsOverMaxLatency}; plus
 * {@code duplicatePieces}, {@code callsRevised} (records written again), {@code amendmentsTooLate}; the
 * gauges {@code pendingCalls} (calls still missing pieces) and {@code writtenCallsKept} (written calls kept
 * for the revision window) on this subtask, counted again from the state after a restore or a rescale.
 */
public class AssembleCalls extends AbstractStreamOperator<StitchedCall> implements OneInputStreamOperator<EdgePiece, StitchedCall> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(AssembleCalls.class);
    private static final String STATE_NAME = "pending";

    private final long timeoutMs;
    private final long revisionWindowMs;

    private transient ValueState<AssemblyState> pending;
    private transient DueCalls due;
    private transient long watermark;
    private transient long pendingCount;
    private transient long keptCount;

    private transient Counter callsStitched;
    private transient Counter callsIncomplete;
    private transient Counter callsLate;
    private transient Counter callsOverMaxLatency;
    private transient Counter duplicatePieces;
    private transient Counter callsRevised;
    private transient Counter amendmentsTooLate;

    /**
     * @param timeoutMs event time after a call's first piece at which it is emitted as {@code INCOMPLETE}
     * @param revisionWindowMs event time a written call is kept for (0: forgotten at once)
     */
    public AssembleCalls(long timeoutMs, long revisionWindowMs) {
        if (timeoutMs < 1 || revisionWindowMs < 0) {
            throw new IllegalArgumentException("timeoutMs must be at least 1 and revisionWindowMs not negative, got " + timeoutMs
                    + " and " + revisionWindowMs);
        }
        this.timeoutMs = timeoutMs;
        this.revisionWindowMs = revisionWindowMs;
        this.chainingStrategy = ChainingStrategy.ALWAYS;
    }

    @Override
    public void open() throws Exception {
        super.open();
        pending = getPartitionedState(new ValueStateDescriptor<>(STATE_NAME, new AvroTypeInfo<>(AssemblyState.class)));
        due = new DueCalls();
        watermark = Long.MIN_VALUE;
        MetricGroup metrics = getMetricGroup();
        callsStitched = metrics.counter("callsStitched");
        callsIncomplete = metrics.counter("callsIncomplete");
        callsLate = metrics.counter("callsLate");
        callsOverMaxLatency = metrics.counter("callsOverMaxLatency");
        duplicatePieces = metrics.counter("duplicatePieces");
        callsRevised = metrics.counter("callsRevised");
        amendmentsTooLate = metrics.counter("amendmentsTooLate");
        metrics.gauge("pendingCalls", (Gauge<Long>) () -> pendingCount);
        metrics.gauge("writtenCallsKept", (Gauge<Long>) () -> keptCount);
        indexRestoredCalls();
    }

    /** After a restore or a rescale: every call this subtask now holds goes back into the index and the gauges. */
    private void indexRestoredCalls() throws Exception {
        List<String> ids;
        try (Stream<String> keys = this.<String>getKeyedStateBackend().getKeys(STATE_NAME, VoidNamespace.INSTANCE)) {
            ids = keys.collect(Collectors.toList());
        }
        for (String id : ids) {
            setCurrentKey(id);
            AssemblyState state = pending.value();
            due.add(id, state.getTimeoutAtMs());
            if (state.getWritten()) {
                keptCount++;
            } else {
                pendingCount++;
            }
        }
    }

    @Override
    public void processElement(StreamRecord<EdgePiece> element) throws Exception {
        EdgePiece piece = element.getValue();
        if (piece.getRole() != Role.CHILD && piece.getRole() != Role.PARENT) {
            // a foreign record on the topic must not fail the job over and over on the same offset
            LOG.warn("Ignoring a piece of call {} with role {}", getCurrentKey(), piece.getRole());
            return;
        }
        long progress = Math.max(piece.getWrittenAtMs(), watermark);
        long timestamp = element.hasTimestamp() ? element.getTimestamp() : progress;
        AssemblyState state = pending.value();
        if (state == null) {
            if (piece.getAmends()) {
                // the partner was forgotten: its record stays as written (docs/reliability.md)
                amendmentsTooLate.inc();
                LOG.debug("An amendment of call {} came after its revision window", getCurrentKey());
                return;
            }
            state = CallAssembly.start(piece, saturatedAdd(progress, timeoutMs));
            pendingCount++;
            if (CallAssembly.isComplete(state)) {
                written(state, progress, timestamp);
                return;
            }
            due.add(state.getCall().getId(), state.getTimeoutAtMs());
            pending.update(state);
            return;
        }
        boolean written = state.getWritten();
        if (!CallAssembly.add(state, piece)) {
            duplicatePieces.inc();
            return;
        }
        if (written) {
            // a late call's edge, or a missing piece of a call written INCOMPLETE: the record is superseded
            if (CallAssembly.isComplete(state)) {
                emit(state, timestamp);
                callsRevised.inc();
            }
            pending.update(state);
            return;
        }
        if (CallAssembly.isComplete(state)) {
            // its entry for the safety net stays in the index, and is passed over when its second comes
            written(state, progress, timestamp);
            return;
        }
        pending.update(state);
    }

    /**
     * Writes a call (complete, or INCOMPLETE by the safety net) and keeps it for the revision window of
     * job-match's progress, or forgets it at once (no window, or the end of a bounded input).
     */
    private void written(AssemblyState state, long progress, long timestamp) throws Exception {
        emit(state, timestamp);
        pendingCount--;
        if (revisionWindowMs == 0 || progress == Long.MAX_VALUE) {
            pending.clear();
            return;
        }
        state.setWritten(true);
        keptCount++;
        state.setTimeoutAtMs(saturatedAdd(progress, revisionWindowMs));
        due.add(state.getCall().getId(), state.getTimeoutAtMs());
        pending.update(state);
    }

    @Override
    public void processWatermark(Watermark mark) throws Exception {
        watermark = mark.getTimestamp();
        for (Map.Entry<Long, List<String>> slice = due.pollDue(watermark); slice != null; slice = due.pollDue(watermark)) {
            long dueAt = DueCalls.dueAt(slice.getKey());
            for (String id : slice.getValue()) {
                setCurrentKey(id);
                AssemblyState state = pending.value();
                if (state != null && DueCalls.sliceOf(state.getTimeoutAtMs()) == slice.getKey()) {
                    deadlineReached(state, dueAt);
                }
                // else: forgotten already, or its deadline moved on (an older entry of the id)
            }
        }
        super.processWatermark(mark);
    }

    private void deadlineReached(AssemblyState state, long dueAt) throws Exception {
        if (state.getWritten()) {
            pending.clear();
            keptCount--;
            return;
        }
        LOG.debug("Call {} still missed pieces when job-match had got {} ms past its first", state.getCall().getId(), timeoutMs);
        // kept a while like any written call: a missing piece that still comes revises the record
        written(state, watermark == Long.MAX_VALUE ? Long.MAX_VALUE : dueAt, dueAt);
    }

    private void emit(AssemblyState state, long timestamp) {
        StitchedCall call = CallAssembly.result(state);
        output.collect(new StreamRecord<>(call, timestamp));
        callsStitched.inc();
        switch (call.getStatus()) {
            case INCOMPLETE:
                callsIncomplete.inc();
                break;
            case LATE:
                callsLate.inc();
                break;
            case LATENCY_ABOVE_MAX:
                callsOverMaxLatency.inc();
                break;
            default:
                break;
        }
    }

    private static long saturatedAdd(long a, long b) {
        long sum = a + b;
        return ((a ^ sum) & (b ^ sum)) < 0 ? Long.MAX_VALUE : sum;
    }

    /** What the {@code writtenCallsKept} gauge reads. */
    long keptCallsForTests() {
        return keptCount;
    }

    /** What the {@code pendingCalls} gauge reads. */
    long pendingCallsForTests() {
        return pendingCount;
    }

    /** Entries in the index of deadlines. */
    long dueEntriesForTests() {
        return due.entries();
    }
}
