package io.callstitch.assemble.operators;

import io.callstitch.assemble.CallAssembly;
import io.callstitch.schema.AssemblyState;
import io.callstitch.schema.EdgePiece;
import io.callstitch.schema.Role;
import io.callstitch.schema.StitchedCall;
import java.util.List;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gathers the pieces of each call and emits the call once, with its parents, children and status.
 *
 * <p><b>Keyed on</b> the call id ({@code piece.call.id}, which is also the Kafka key of
 * {@code calls.edges}).
 *
 * <p><b>State</b> per call id, only while some but not all of its pieces have come: one
 * {@link AssemblyState} (the call, the pieces seen, the ids so far, its flags and its timeout), read
 * and written once per piece, and one event-time timer. Most calls have two pieces, written by
 * job-match at the same moment, so a call is usually in state for the time between them.
 *
 * <p><b>Emits</b> the call the moment its last piece arrives (every piece carries the count), then
 * clears its state and deletes its timer. A duplicate piece (same role and, for PARENT, same bucket)
 * is ignored and counted.
 *
 * <p><b>The safety net</b> for a piece that never comes runs in event time, and event time here is
 * job-match's progress: each piece carries the event time at which job-match wrote it
 * ({@code written_at_ms}). The first piece sets a timer {@code timeoutMs} of that time later; when
 * job-match has got that far and the call still misses pieces, it is written {@code INCOMPLETE}. A
 * stopped job-assemble, or a stopped job-match, moves no event time, so an outage of either never
 * times a call out. At the end of a bounded input the final watermark writes whatever still waits.
 *
 * <p><b>Metrics</b>, each emitted call counted once: {@code callsStitched} (all), and by the status
 * written {@code callsIncomplete}, {@code callsLate}, {@code callsOverMaxLatency}; plus
 * {@code duplicatePieces} and the gauge {@code pendingCalls} (calls in state on this subtask, kept in
 * operator state so that it survives restarts; after a rescale the sum over subtasks stays exact).
 */
public class AssembleCalls extends KeyedProcessFunction<String, EdgePiece, StitchedCall> implements CheckpointedFunction {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(AssembleCalls.class);

    private final long timeoutMs;

    private transient ValueState<AssemblyState> pending;
    private transient ListState<Long> pendingCountState;
    private transient long pendingCount;

    private transient Counter callsStitched;
    private transient Counter callsIncomplete;
    private transient Counter callsLate;
    private transient Counter callsOverMaxLatency;
    private transient Counter duplicatePieces;

    /** @param timeoutMs event time after a call's first piece at which it is emitted as {@code INCOMPLETE} */
    public AssembleCalls(long timeoutMs) {
        if (timeoutMs < 1) {
            throw new IllegalArgumentException("timeoutMs must be at least 1, got " + timeoutMs);
        }
        this.timeoutMs = timeoutMs;
    }

    @Override
    public void open(Configuration parameters) {
        pending = getRuntimeContext().getState(new ValueStateDescriptor<>("pending", new AvroTypeInfo<>(AssemblyState.class)));
        MetricGroup metrics = getRuntimeContext().getMetricGroup();
        callsStitched = metrics.counter("callsStitched");
        callsIncomplete = metrics.counter("callsIncomplete");
        callsLate = metrics.counter("callsLate");
        callsOverMaxLatency = metrics.counter("callsOverMaxLatency");
        duplicatePieces = metrics.counter("duplicatePieces");
        metrics.gauge("pendingCalls", (Gauge<Long>) () -> pendingCount);
    }

    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
        pendingCountState = context.getOperatorStateStore().getListState(new ListStateDescriptor<>("pending-calls", Types.LONG));
        pendingCount = 0;
        for (Long count : pendingCountState.get()) {
            pendingCount += count;
        }
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) throws Exception {
        pendingCountState.update(List.of(pendingCount));
    }

    @Override
    public void processElement(EdgePiece piece, Context ctx, Collector<StitchedCall> out) throws Exception {
        if (piece.getRole() != Role.CHILD && piece.getRole() != Role.PARENT) {
            // a foreign record on the topic must not fail the job over and over on the same offset
            LOG.warn("Ignoring a piece of call {} with role {}", ctx.getCurrentKey(), piece.getRole());
            return;
        }
        AssemblyState state = pending.value();
        if (state == null) {
            long progress = Math.max(piece.getWrittenAtMs(), ctx.timerService().currentWatermark());
            state = CallAssembly.start(piece, saturatedAdd(progress, timeoutMs));
            if (CallAssembly.isComplete(state)) {
                emit(state, out);
                return;
            }
            ctx.timerService().registerEventTimeTimer(state.getTimeoutAtMs());
            pending.update(state);
            pendingCount++;
            return;
        }
        if (!CallAssembly.add(state, piece)) {
            duplicatePieces.inc();
            return;
        }
        if (CallAssembly.isComplete(state)) {
            emit(state, out);
            ctx.timerService().deleteEventTimeTimer(state.getTimeoutAtMs());
            pending.clear();
            pendingCount--;
            return;
        }
        pending.update(state);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<StitchedCall> out) throws Exception {
        AssemblyState state = pending.value();
        if (state == null) {
            return;
        }
        LOG.debug("Call {} still missed pieces when job-match had got {} ms past its first", ctx.getCurrentKey(), timeoutMs);
        emit(state, out);
        pending.clear();
        pendingCount--;
    }

    private void emit(AssemblyState state, Collector<StitchedCall> out) {
        StitchedCall call = CallAssembly.result(state);
        out.collect(call);
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

    /** What the {@code pendingCalls} gauge reads. */
    long pendingCallsForTests() {
        return pendingCount;
    }
}
