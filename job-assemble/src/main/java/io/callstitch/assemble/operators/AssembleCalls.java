package io.callstitch.assemble.operators;

import io.callstitch.assemble.CallAssembly;
import io.callstitch.schema.EdgePiece;
import io.callstitch.schema.Role;
import io.callstitch.schema.StitchedCall;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.TimeDomain;
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
 * <p><b>State</b> per call id, only while some but not all of its pieces have come: the answer so far
 * as a {@link StitchedCall} (status = the strongest flag of its pieces), whether the CHILD piece
 * came, the buckets of the PARENT pieces that came, and when its timeout fires.
 *
 * <p><b>Emits</b> the call the moment its last piece arrives (every piece carries the count), then
 * clears all its state and deletes its timers. A duplicate piece (same role and, for PARENT, same
 * bucket) is ignored and counted. The timeout is a safety net for a piece that never comes: a
 * processing-time timer {@code timeoutMs} after the first piece emits what has come with status
 * {@code INCOMPLETE} and clears. With {@code flushAtEndOfInput} (bounded input, file mode) an
 * event-time timer at {@link Long#MAX_VALUE} does the same when the input's final watermark
 * arrives, so no call is lost at the end of a file; without it the function uses no event time.
 *
 * <p><b>Metrics</b>, each emitted call counted once: {@code callsStitched} (all), and by the status
 * written {@code callsIncomplete}, {@code callsLate}, {@code callsOverMaxLatency}; plus
 * {@code duplicatePieces}.
 */
public class AssembleCalls extends KeyedProcessFunction<String, EdgePiece, StitchedCall> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(AssembleCalls.class);

    /** The event-time timer that only the final watermark of a bounded input reaches. */
    private static final long END_OF_INPUT = Long.MAX_VALUE;

    private final long timeoutMs;
    private final boolean flushAtEndOfInput;

    private transient ValueState<StitchedCall> partial;
    private transient ValueState<Boolean> childSeen;
    private transient ListState<Long> parentBuckets;
    private transient ValueState<Long> timeoutAt;

    private transient Counter callsStitched;
    private transient Counter callsIncomplete;
    private transient Counter callsLate;
    private transient Counter callsOverMaxLatency;
    private transient Counter duplicatePieces;

    /**
     * @param timeoutMs processing time after a call's first piece at which it is emitted as {@code INCOMPLETE}
     * @param flushAtEndOfInput also emit incomplete calls as {@code INCOMPLETE} on the final watermark of a bounded input
     */
    public AssembleCalls(long timeoutMs, boolean flushAtEndOfInput) {
        if (timeoutMs < 1) {
            throw new IllegalArgumentException("timeoutMs must be at least 1, got " + timeoutMs);
        }
        this.timeoutMs = timeoutMs;
        this.flushAtEndOfInput = flushAtEndOfInput;
    }

    @Override
    public void open(Configuration parameters) {
        partial = getRuntimeContext().getState(
                new ValueStateDescriptor<>("partial", new AvroTypeInfo<>(StitchedCall.class)));
        childSeen = getRuntimeContext().getState(new ValueStateDescriptor<>("childSeen", Types.BOOLEAN));
        parentBuckets = getRuntimeContext().getListState(new ListStateDescriptor<>("parentBuckets", Types.LONG));
        timeoutAt = getRuntimeContext().getState(new ValueStateDescriptor<>("timeoutAt", Types.LONG));

        MetricGroup metrics = getRuntimeContext().getMetricGroup();
        callsStitched = metrics.counter("callsStitched");
        callsIncomplete = metrics.counter("callsIncomplete");
        callsLate = metrics.counter("callsLate");
        callsOverMaxLatency = metrics.counter("callsOverMaxLatency");
        duplicatePieces = metrics.counter("duplicatePieces");
    }

    @Override
    public void processElement(EdgePiece piece, Context ctx, Collector<StitchedCall> out) throws Exception {
        if (piece.getRole() != Role.CHILD && piece.getRole() != Role.PARENT) {
            // a foreign record on the topic must not fail the job over and over on the same offset
            LOG.warn("Ignoring a piece of call {} with role {}", ctx.getCurrentKey(), piece.getRole());
            return;
        }
        CallAssembly assembly = load();
        boolean first = assembly.isEmpty();
        if (!assembly.add(piece)) {
            duplicatePieces.inc();
            return;
        }
        if (assembly.isComplete()) {
            emit(assembly.result(), out);
            clear(ctx);
            return;
        }
        if (first) {
            long at = ctx.timerService().currentProcessingTime() + timeoutMs;
            ctx.timerService().registerProcessingTimeTimer(at);
            timeoutAt.update(at);
            if (flushAtEndOfInput) {
                ctx.timerService().registerEventTimeTimer(END_OF_INPUT);
            }
        }
        save(assembly);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<StitchedCall> out) throws Exception {
        CallAssembly assembly = load();
        if (assembly.isEmpty()) {
            return;
        }
        if (ctx.timeDomain() == TimeDomain.EVENT_TIME) {
            LOG.debug("Input ended before every piece of call {} came", ctx.getCurrentKey());
        } else {
            LOG.debug("Call {} timed out after {} ms waiting for its pieces", ctx.getCurrentKey(), timeoutMs);
        }
        // restored without a new piece, the assembly is not complete: its result is INCOMPLETE
        emit(assembly.result(), out);
        clear(ctx);
    }

    private CallAssembly load() throws Exception {
        return CallAssembly.restore(partial.value(), Boolean.TRUE.equals(childSeen.value()), parentBuckets.get());
    }

    private void save(CallAssembly assembly) throws Exception {
        partial.update(assembly.partial());
        if (assembly.childSeen()) {
            childSeen.update(true);
        }
        parentBuckets.update(assembly.parentBuckets());
    }

    private void emit(StitchedCall call, Collector<StitchedCall> out) {
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

    private void clear(Context ctx) throws Exception {
        Long at = timeoutAt.value();
        if (at != null) {
            ctx.timerService().deleteProcessingTimeTimer(at);
        }
        if (flushAtEndOfInput) {
            ctx.timerService().deleteEventTimeTimer(END_OF_INPUT);
        }
        partial.clear();
        childSeen.clear();
        parentBuckets.clear();
        timeoutAt.clear();
    }
}
