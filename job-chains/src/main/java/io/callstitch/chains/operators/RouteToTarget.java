package io.callstitch.chains.operators;

import io.callstitch.chains.ChainEdges;
import io.callstitch.schema.ChainMessage;
import io.callstitch.schema.ChainMessageKind;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Gives each walk message the interval of the call it is for, so that {@link WalkChains} can key by
 * interval: a parent names its children by id only.
 *
 * <p><b>Keyed on</b> the call id ({@code message.target}); gets the stitched call ({@code CALL}) and
 * the walk messages of its parents ({@code WALK}).
 *
 * <p><b>State</b> per call, only while it waits: walk messages that came before the call (they
 * cannot be routed yet), or, once the call came, its interval and the parents not heard from yet
 * (its parents in the chain, {@link ChainEdges}).
 *
 * <p><b>Emits</b> the call, then every walk message for it with {@code target_start_at_ms} and
 * {@code target_end_at_ms} set, the call always first. The state is cleared exactly when every
 * listed parent has been heard from (a root: at once). A call that comes again while its state is
 * kept is dropped and counted ({@code duplicateCalls}). A processing-time timeout clears state left
 * by a call or walk message whose counterpart never comes ({@code routesTimedOut}).
 */
public class RouteToTarget extends KeyedProcessFunction<String, ChainMessage, ChainMessage> {
    private static final long serialVersionUID = 1L;

    private final long timeoutMs;
    private final ChainEdges edges;

    private transient ValueState<ChainMessage> call;
    private transient ListState<ChainMessage> early;
    private transient MapState<String, Boolean> awaiting;
    private transient ValueState<Long> deadline;

    private transient Counter duplicateCalls;
    private transient Counter routesTimedOut;

    /**
     * @param timeoutMs processing time after which a wait that has not ended is given up
     * @param edges which parents of a call send it walk messages
     */
    public RouteToTarget(long timeoutMs, ChainEdges edges) {
        this.timeoutMs = timeoutMs;
        this.edges = edges;
    }

    @Override
    public void open(Configuration parameters) {
        call = getRuntimeContext().getState(new ValueStateDescriptor<>("call", new AvroTypeInfo<>(ChainMessage.class)));
        early = getRuntimeContext().getListState(new ListStateDescriptor<>("early", new AvroTypeInfo<>(ChainMessage.class)));
        awaiting = getRuntimeContext().getMapState(new MapStateDescriptor<>("awaiting", Types.STRING, Types.BOOLEAN));
        deadline = getRuntimeContext().getState(new ValueStateDescriptor<>("deadline", Types.LONG));
        duplicateCalls = getRuntimeContext().getMetricGroup().counter("duplicateCalls");
        routesTimedOut = getRuntimeContext().getMetricGroup().counter("routesTimedOut");
    }

    @Override
    public void processElement(ChainMessage message, Context ctx, Collector<ChainMessage> out) throws Exception {
        if (message.getKind() == ChainMessageKind.CALL) {
            if (call.value() != null) {
                duplicateCalls.inc();
                return;
            }
            out.collect(message);
            List<ChainMessage> before = new ArrayList<>();
            early.get().forEach(before::add);
            early.clear();
            for (String parent : edges.parents(message.getCall())) {
                awaiting.put(parent, true);
            }
            call.update(message);
            for (ChainMessage walk : before) {
                forward(walk, message, out);
            }
            endIfHeardAll(ctx);
        } else {
            ChainMessage known = call.value();
            if (known == null) {
                early.add(message);
                armTimeout(ctx);
            } else {
                forward(message, known, out);
                endIfHeardAll(ctx);
            }
        }
    }

    private void forward(ChainMessage walk, ChainMessage target, Collector<ChainMessage> out) throws Exception {
        walk.setTargetStartAtMs(target.getCall().getStartAtMs());
        walk.setTargetEndAtMs(target.getCall().getEndAtMs());
        awaiting.remove(walk.getCall().getId());
        out.collect(walk);
    }

    private void endIfHeardAll(Context ctx) throws Exception {
        if (awaiting.isEmpty()) {
            clear(ctx);
        } else {
            armTimeout(ctx);
        }
    }

    private void armTimeout(Context ctx) throws Exception {
        if (deadline.value() == null) {
            long at = ctx.timerService().currentProcessingTime() + timeoutMs;
            ctx.timerService().registerProcessingTimeTimer(at);
            deadline.update(at);
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<ChainMessage> out) throws Exception {
        Long at = deadline.value();
        if (at != null && at == timestamp) {
            routesTimedOut.inc();
            deadline.clear();
            call.clear();
            early.clear();
            awaiting.clear();
        }
    }

    private void clear(Context ctx) throws Exception {
        Long at = deadline.value();
        if (at != null) {
            ctx.timerService().deleteProcessingTimeTimer(at);
        }
        deadline.clear();
        call.clear();
        early.clear();
        awaiting.clear();
    }
}
