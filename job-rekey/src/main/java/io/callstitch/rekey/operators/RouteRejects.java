package io.callstitch.rekey.operators;

import java.util.EnumMap;
import java.util.Map;
import io.callstitch.schema.ParsedInput;
import io.callstitch.schema.Reason;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Passes valid calls on and sends every rejected record to the dead-letter side output with its
 * reason. Heartbeats end here: they have moved the watermark at the source. Stateless.
 * Metrics: {@code recordsIn}, {@code validCalls}, {@code heartbeats} and {@code deadLetters.<REASON>}.
 */
public final class RouteRejects extends ProcessFunction<ParsedInput, ParsedInput> {
    private static final long serialVersionUID = 1L;

    private transient Counter recordsIn;
    private transient Counter validCalls;
    private transient Counter heartbeats;
    private transient Map<Reason, Counter> rejected;

    @Override
    public void open(Configuration parameters) {
        MetricGroup metrics = getRuntimeContext().getMetricGroup();
        recordsIn = metrics.counter("recordsIn");
        validCalls = metrics.counter("validCalls");
        heartbeats = metrics.counter("heartbeats");
        rejected = new EnumMap<>(Reason.class);
        MetricGroup byReason = metrics.addGroup("deadLetters");
        for (Reason reason : Reason.values()) {
            if (reason != Reason.DUPLICATE_ID_CONFLICT) {
                rejected.put(reason, byReason.counter(reason.name()));
            }
        }
    }

    @Override
    public void processElement(ParsedInput input, Context ctx, Collector<ParsedInput> out) {
        recordsIn.inc();
        if (input.getCall() != null) {
            validCalls.inc();
            out.collect(input);
            return;
        }
        if (input.getHeartbeatAtMs() != null) {
            heartbeats.inc();
            return;
        }
        Reason reason = input.getReason() != null ? input.getReason() : Reason.UNPARSEABLE;
        rejected.get(reason).inc();
        ctx.output(DeadLetters.TAG, DeadLetters.of(input, reason, input.getDetail() != null ? input.getDetail() : "rejected"));
    }
}
