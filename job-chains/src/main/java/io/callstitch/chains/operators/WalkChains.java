package io.callstitch.chains.operators;

import io.callstitch.chains.CallSettlement;
import io.callstitch.chains.ChainEdges;
import io.callstitch.chains.ChainStatistics;
import io.callstitch.chains.ZipkinIds;
import io.callstitch.chains.ZipkinParentChoice;
import io.callstitch.chains.ZipkinSpans;
import io.callstitch.schema.ChainMessage;
import io.callstitch.schema.ChainState;
import io.callstitch.schema.ChainStatus;
import io.callstitch.schema.ChainSummary;
import io.callstitch.schema.StitchedCall;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Walks every chain down from its root and gathers it at its root, one level per round trip over
 * the walk topic. What settles when, and what it sends, is {@link CallSettlement}'s; a call's levels
 * are {@link io.callstitch.chains.RootLevels}'; a span's trace and parent {@link ZipkinParentChoice}'s;
 * a call's parents and children in the chains {@link ChainEdges}'. This function keeps the state, the
 * timers and the metrics; the calls in it are the stitched records as they came.
 *
 * <p><b>Keyed on</b> the interval {@code start/end} of the call a message is for (see
 * {@link #intervalKey}). Calls that are each other's parent have equal intervals, so every cycle of
 * parents lies inside one key and is settled here, locally, instead of sending messages round it.
 *
 * <p><b>The walk.</b> A call (from {@link RouteToTarget}, with its parents' walk messages after it)
 * waits in {@code waiting} until it is settled: it has heard from each parent not waiting in its key
 * (a {@code WALK} message: the parent's final roots and its level in each chain), and each parent
 * waiting here is settled too; calls of a cycle settle together. Each new call or walk message
 * settles what it can. A settled call
 * <ul>
 *   <li>sends a {@code WALK} to each child (main output, to the walk topic, key = child id);</li>
 *   <li>sends a {@code REPORT} to each of its roots (main output, key = root id), except a root without children to itself;</li>
 *   <li>writes its Zipkin span ({@link #SPANS}) if asked to, and is forgotten.</li>
 * </ul>
 * A walk message from a parent already heard from is ignored, and one for a call that is no longer
 * waiting (it settled with the sender, in this key) too. The walk messages form no cycle across keys
 * (a child in another key has a strictly shorter interval).
 *
 * <p><b>Gathering.</b> A root keeps the reported calls of its chain ({@code chainCalls}), and the ids
 * listed as children of reported calls that have not reported yet ({@code awaited}); {@code chains}
 * counts those and says whether the root itself has reported. When the root has reported and nothing
 * is awaited, the chain is complete: every call reachable from the root is in. The summary
 * ({@link #SUMMARIES}) is then written and the chain forgotten. Exact: no time is involved.
 *
 * <p><b>Safety net.</b> A call or chain still waiting {@code timeoutMs} of processing time after it
 * came is ended anyway and counted: a call settles with the roots it has ({@code callsTimedOut}),
 * a chain that has had no report for twice that long is written with status {@code TIMED_OUT}
 * and what had come ({@code chainsTimedOut}). Neither happens
 * when every call of the input comes once with lists that agree on both ends of each edge. Calls and
 * chains of a key share a processing-time timer when their deadlines are equal; a timer is deleted
 * once nothing in the key waits for it.
 *
 * <p><b>Metrics</b>: counters {@code callsSettled}, {@code callsTimedOut}, {@code duplicateCalls},
 * {@code chainsCompleted}, {@code chainsTimedOut}, {@code spansWritten}; gauges {@code waitingCalls} and
 * {@code openChains}, what this subtask holds.
 */
public class WalkChains extends KeyedProcessFunction<String, ChainMessage, ChainMessage> implements CheckpointedFunction {
    private static final long serialVersionUID = 1L;

    public static final OutputTag<ChainSummary> SUMMARIES =
            new OutputTag<>("chain-summaries", new AvroTypeInfo<>(ChainSummary.class));
    /** Zipkin spans as (trace id, JSON of one span). */
    public static final OutputTag<Tuple2<String, String>> SPANS =
            new OutputTag<>("zipkin-spans", Types.TUPLE(Types.STRING, Types.STRING));

    private static final char SEPARATOR = '\n';

    private final long timeoutMs;
    private final boolean writeSpans;
    private final int maxHops;
    private final ChainEdges edges;

    /** Calls waiting for their parents, by id. */
    private transient MapState<String, ChainState> waiting;
    /** Chains waiting for their calls, by root id. */
    private transient MapState<String, ChainState> chains;
    /** The calls reported to a chain, by root id + separator + call id. */
    private transient MapState<String, StitchedCall> chainCalls;
    /** Children listed in a chain that have not reported yet, same keys. */
    private transient MapState<String, Boolean> awaited;

    private transient Counter callsSettled;
    private transient Counter callsTimedOut;
    private transient Counter duplicateCalls;
    private transient Counter chainsCompleted;
    private transient Counter chainsTimedOut;
    private transient Counter spansWritten;

    /** Calls waiting and chains open in this subtask, kept across restarts in operator state for the gauges. */
    private transient ListState<Long> gaugeState;
    private transient long waitingCalls;
    private transient long openChains;

    /**
     * @param timeoutMs processing time after which a waiting call or chain is ended anyway
     * @param writeSpans whether to write a Zipkin span per call to {@link #SPANS}
     * @param maxHops the most hops a summary lists; the rest are counted in {@code hops_omitted}
     * @param edges which parents and children of a call the chains follow
     */
    public WalkChains(long timeoutMs, boolean writeSpans, int maxHops, ChainEdges edges) {
        if (timeoutMs < 1 || maxHops < 1) {
            throw new IllegalArgumentException("timeoutMs and maxHops must be at least 1, got " + timeoutMs + " and " + maxHops);
        }
        this.timeoutMs = timeoutMs;
        this.writeSpans = writeSpans;
        this.maxHops = maxHops;
        this.edges = edges;
    }

    /** The key of the call with this interval. */
    public static String intervalKey(long startAtMs, long endAtMs) {
        return startAtMs + "/" + endAtMs;
    }

    /** The key a message is handled under: the interval of its target. */
    public static String keyOf(ChainMessage message) {
        return intervalKey(message.getTargetStartAtMs(), message.getTargetEndAtMs());
    }

    @Override
    public void open(Configuration parameters) {
        AvroTypeInfo<ChainState> stateType = new AvroTypeInfo<>(ChainState.class);
        waiting = getRuntimeContext().getMapState(new MapStateDescriptor<>("waiting", Types.STRING, stateType));
        chains = getRuntimeContext().getMapState(new MapStateDescriptor<>("chains", Types.STRING, stateType));
        chainCalls = getRuntimeContext().getMapState(
                new MapStateDescriptor<>("chainCalls", Types.STRING, new AvroTypeInfo<>(StitchedCall.class)));
        awaited = getRuntimeContext().getMapState(new MapStateDescriptor<>("awaited", Types.STRING, Types.BOOLEAN));
        callsSettled = getRuntimeContext().getMetricGroup().counter("callsSettled");
        callsTimedOut = getRuntimeContext().getMetricGroup().counter("callsTimedOut");
        duplicateCalls = getRuntimeContext().getMetricGroup().counter("duplicateCalls");
        chainsCompleted = getRuntimeContext().getMetricGroup().counter("chainsCompleted");
        chainsTimedOut = getRuntimeContext().getMetricGroup().counter("chainsTimedOut");
        spansWritten = getRuntimeContext().getMetricGroup().counter("spansWritten");
        getRuntimeContext().getMetricGroup().gauge("waitingCalls", (Gauge<Long>) () -> waitingCalls);
        getRuntimeContext().getMetricGroup().gauge("openChains", (Gauge<Long>) () -> openChains);
    }

    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
        gaugeState = context.getOperatorStateStore().getListState(new ListStateDescriptor<>("gauges", Types.LONG));
        waitingCalls = 0;
        openChains = 0;
        // pairs (waiting calls, open chains); after rescaling a subtask may get several pairs, or none
        Iterator<Long> saved = gaugeState.get().iterator();
        while (saved.hasNext()) {
            waitingCalls += saved.next();
            if (saved.hasNext()) {
                openChains += saved.next();
            }
        }
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) throws Exception {
        gaugeState.update(List.of(waitingCalls, openChains));
    }

    @Override
    public void processElement(ChainMessage message, Context ctx, Collector<ChainMessage> out) throws Exception {
        switch (message.getKind()) {
            case CALL:
                StitchedCall call = message.getCall();
                if (waiting.contains(call.getId())) {
                    duplicateCalls.inc();
                    return;
                }
                long at = ctx.timerService().currentProcessingTime() + timeoutMs;
                ctx.timerService().registerProcessingTimeTimer(at);
                waiting.put(call.getId(), ChainState.newBuilder().setCall(call).setDeadline(at).build());
                waitingCalls++;
                settle(ctx, out, Long.MIN_VALUE);
                break;
            case WALK:
                ChainState target = waiting.get(message.getTarget());
                if (target == null) {
                    // the target settled already: the sender was waiting in this key and was counted then
                    return;
                }
                String sender = message.getCall().getId();
                if (target.getHeard().stream().noneMatch(heard -> heard.getCall().getId().equals(sender))) {
                    target.getHeard().add(message);
                    waiting.put(message.getTarget(), target);
                    settle(ctx, out, Long.MIN_VALUE);
                }
                break;
            case REPORT:
                gather(message, ctx);
                break;
            default:
                throw new IllegalArgumentException("unknown message kind " + message.getKind());
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<ChainMessage> out) throws Exception {
        settle(ctx, out, timestamp);
        List<String> expired = new ArrayList<>();
        for (Map.Entry<String, ChainState> chain : chains.entries()) {
            if (chain.getValue().getDeadline() <= timestamp) {
                expired.add(chain.getKey());
            }
        }
        for (String root : expired) {
            ChainState chain = chains.get(root);
            chainsTimedOut.inc();
            if (chain.getRootSeen()) {
                ctx.output(SUMMARIES, ChainStatistics.summarize(edges, root, callsOf(root), ChainStatus.TIMED_OUT, chain.getPending(), maxHops));
            }
            forget(root);
        }
    }

    // ---- the walk ----

    /**
     * Settles every waiting call of this key that can settle, in one go so that cycles settle
     * together ({@link CallSettlement}). Calls whose deadline is at or before {@code now} settle anyway.
     */
    private void settle(Context ctx, Collector<ChainMessage> out, long now) throws Exception {
        Map<String, ChainState> all = new HashMap<>();
        for (Map.Entry<String, ChainState> entry : waiting.entries()) {
            all.put(entry.getKey(), entry.getValue());
        }
        CallSettlement settlement = CallSettlement.of(edges, all, now);
        for (String id : settlement.settled()) {
            ChainState state = all.get(id);
            for (ChainMessage message : settlement.messages(id)) {
                out.collect(message);
            }
            if (writeSpans) {
                span(state.getCall(), settlement, ctx);
            }
            waiting.remove(id);
            waitingCalls--;
            releaseTimer(ctx, state.getDeadline());
            callsSettled.inc();
            if (settlement.timedOut(id)) {
                callsTimedOut.inc();
            }
        }
    }

    private void span(StitchedCall call, CallSettlement settlement, Context ctx) {
        ZipkinParentChoice choice = ZipkinParentChoice.of(edges, call, settlement.rootsOf(call.getId()),
                settlement.parentsWithRoots(call.getId()));
        String json = ZipkinSpans.toJson(call, choice.traceRootId(), choice.parentId(), choice.rooted(), choice.otherParents());
        ctx.output(SPANS, Tuple2.of(ZipkinIds.traceId(choice.traceRootId()), json));
        spansWritten.inc();
    }

    // ---- gathering at the root ----

    /** Adds a report to the chain of its root; writes the summary and forgets the chain once it is complete. */
    private void gather(ChainMessage report, Context ctx) throws Exception {
        String root = report.getTarget();
        StitchedCall call = report.getCall();
        if (chainCalls.contains(entry(root, call.getId()))) {
            return;
        }
        ChainState chain = chains.get(root);
        long previousDeadline = chain == null ? Long.MIN_VALUE : chain.getDeadline();
        if (chain == null) {
            chain = ChainState.newBuilder().setDeadline(0).build();
            openChains++;
        }
        // a chain is given up after twice the timeout without a report: calls ended by their own
        // timeout report first, so a chain is only written as TIMED_OUT when a call is truly missing
        long at = ctx.timerService().currentProcessingTime() + 2 * timeoutMs;
        chain.setDeadline(at);
        ctx.timerService().registerProcessingTimeTimer(at);
        int pending = chain.getPending();
        if (awaited.contains(entry(root, call.getId()))) {
            awaited.remove(entry(root, call.getId()));
            pending--;
        }
        chainCalls.put(entry(root, call.getId()), call);
        if (call.getId().equals(root)) {
            chain.setRootSeen(true);
        }
        for (String child : edges.children(call)) {
            String key = entry(root, child);
            if (!chainCalls.contains(key) && !awaited.contains(key)) {
                awaited.put(key, true);
                pending++;
            }
        }
        chain.setPending(pending);
        if (chain.getRootSeen() && pending == 0) {
            ctx.output(SUMMARIES, ChainStatistics.summarize(edges, root, callsOf(root), ChainStatus.COMPLETE, 0, maxHops));
            chainsCompleted.inc();
            forget(root);
            releaseTimer(ctx, chain.getDeadline());
        } else {
            chains.put(root, chain);
        }
        if (previousDeadline != Long.MIN_VALUE && previousDeadline != chain.getDeadline()) {
            releaseTimer(ctx, previousDeadline);
        }
    }

    private List<StitchedCall> callsOf(String root) throws Exception {
        String prefix = root + SEPARATOR;
        List<StitchedCall> calls = new ArrayList<>();
        for (Map.Entry<String, StitchedCall> entry : chainCalls.entries()) {
            if (entry.getKey().startsWith(prefix)) {
                calls.add(entry.getValue());
            }
        }
        return calls;
    }

    private void forget(String root) throws Exception {
        String prefix = root + SEPARATOR;
        List<String> keys = new ArrayList<>();
        for (String key : chainCalls.keys()) {
            if (key.startsWith(prefix)) {
                keys.add(key);
            }
        }
        for (String key : awaited.keys()) {
            if (key.startsWith(prefix)) {
                keys.add(key);
            }
        }
        for (String key : keys) {
            chainCalls.remove(key);
            awaited.remove(key);
        }
        chains.remove(root);
        openChains--;
    }

    /** Deletes the timer at {@code deadline} unless a call or chain still waiting in this key needs it. */
    private void releaseTimer(Context ctx, long deadline) throws Exception {
        for (ChainState state : waiting.values()) {
            if (state.getDeadline() == deadline) {
                return;
            }
        }
        for (ChainState state : chains.values()) {
            if (state.getDeadline() == deadline) {
                return;
            }
        }
        ctx.timerService().deleteProcessingTimeTimer(deadline);
    }

    private static String entry(String root, String callId) {
        return root + SEPARATOR + callId;
    }
}
