package io.callstitch.rekey.operators;

import io.callstitch.schema.Call;
import io.callstitch.schema.ParsedInput;
import io.callstitch.schema.Reason;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Keyed by call id. Passes the first record of each id on at once; drops later records with identical
 * content (a probe or producer retry); rejects a later record with the same id and different content
 * to the dead-letter side output as {@code DUPLICATE_ID_CONFLICT}.
 *
 * <p>State: the first call seen per id. It leaves on an event-time timer at end_at_ms + retention,
 * so the state holds about rate x (D + retention) ids, whatever the run time.
 * Metrics: {@code duplicatesDropped}, {@code deadLetters.DUPLICATE_ID_CONFLICT}.
 */
public final class DropDuplicates extends KeyedProcessFunction<String, ParsedInput, Call> {
    private static final long serialVersionUID = 1L;

    private final long retentionMs;
    private transient ValueState<Call> seen;
    private transient Counter duplicatesDropped;
    private transient Counter conflicts;

    public DropDuplicates(long retentionMs) {
        this.retentionMs = retentionMs;
    }

    @Override
    public void open(Configuration parameters) {
        seen = getRuntimeContext().getState(new ValueStateDescriptor<>("first-call-of-id", new AvroTypeInfo<>(Call.class)));
        duplicatesDropped = getRuntimeContext().getMetricGroup().counter("duplicatesDropped");
        conflicts = getRuntimeContext().getMetricGroup().addGroup("deadLetters").counter(Reason.DUPLICATE_ID_CONFLICT.name());
    }

    @Override
    public void processElement(ParsedInput input, Context ctx, Collector<Call> out) throws Exception {
        Call call = input.getCall();
        Call first = seen.value();
        if (first == null) {
            seen.update(call);
            long forgetAt = Math.max(call.getEndAtMs(), ctx.timerService().currentWatermark());
            ctx.timerService().registerEventTimeTimer(saturatedAdd(forgetAt, retentionMs));
            out.collect(call);
        } else if (first.equals(call)) {
            duplicatesDropped.inc();
        } else {
            conflicts.inc();
            ctx.output(DeadLetters.TAG, DeadLetters.of(input, Reason.DUPLICATE_ID_CONFLICT,
                    "id " + call.getId() + " was already seen with different content: " + describe(first)));
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Call> out) {
        seen.clear();
    }

    private static String describe(Call call) {
        return call.getSrcIp() + "->" + call.getDstIp() + " [" + call.getStartAtMs() + ", " + call.getEndAtMs() + "]";
    }

    private static long saturatedAdd(long a, long b) {
        long sum = a + b;
        return ((a ^ sum) & (b ^ sum)) < 0 ? Long.MAX_VALUE : sum;
    }
}
