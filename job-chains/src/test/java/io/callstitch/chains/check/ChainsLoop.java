package io.callstitch.chains.check;

import io.callstitch.chains.ChainEdges;
import io.callstitch.chains.ChainsJob;
import io.callstitch.chains.ChainsOptions;
import io.callstitch.chains.operators.RouteToTarget;
import io.callstitch.chains.operators.WalkChains;
import io.callstitch.schema.ChainMessage;
import io.callstitch.schema.ChainMessageKind;
import io.callstitch.schema.ChainSummary;
import io.callstitch.schema.StitchedCall;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.flink.api.common.ExecutionConfig;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.runtime.jobgraph.OperatorID;
import org.apache.flink.runtime.metrics.groups.OperatorMetricGroup;
import org.apache.flink.runtime.metrics.groups.UnregisteredMetricGroups;
import org.apache.flink.runtime.metrics.util.InterceptingOperatorMetricGroup;
import org.apache.flink.runtime.operators.testutils.MockEnvironment;
import org.apache.flink.runtime.operators.testutils.MockEnvironmentBuilder;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;

/**
 * The two keyed operators of job-chains in Flink's operator test harnesses, with the walk topic
 * replaced by a list that hands messages back in a random order: the job's loop, without a broker.
 * (The end-to-end tests run the real loop over Kafka.)
 */
@SuppressWarnings("unchecked")
public final class ChainsLoop implements AutoCloseable {
    private final Random random;
    private final List<AutoCloseable> toClose = new ArrayList<>();
    private final KeyedOneInputStreamOperatorTestHarness<String, ChainMessage, ChainMessage> route;
    private final KeyedOneInputStreamOperatorTestHarness<String, ChainMessage, ChainMessage> walk;
    private final CapturedMetrics walkMetrics = new CapturedMetrics();
    private final List<ChainMessage> inFlight = new ArrayList<>();
    private final List<ChainSummary> summaries = new ArrayList<>();
    private final List<Tuple2<String, String>> spans = new ArrayList<>();
    private long messages;
    private long checkpoints;

    public ChainsLoop(long seed, long timeoutMs) throws Exception {
        this(seed, timeoutMs, ChainsOptions.ChainsBy.RULE);
    }

    /** A loop whose chains follow {@code chainsBy}. */
    public ChainsLoop(long seed, long timeoutMs, ChainsOptions.ChainsBy chainsBy) throws Exception {
        this.random = new Random(seed);
        ChainEdges edges = new ChainEdges(chainsBy);
        route = harness(new RouteToTarget(timeoutMs, edges), ChainMessage::getTarget, new CapturedMetrics());
        walk = harness(new WalkChains(timeoutMs, true, 5000, edges), WalkChains::keyOf, walkMetrics);
    }

    private KeyedOneInputStreamOperatorTestHarness<String, ChainMessage, ChainMessage> harness(
            org.apache.flink.streaming.api.functions.KeyedProcessFunction<String, ChainMessage, ChainMessage> function,
            org.apache.flink.api.java.functions.KeySelector<ChainMessage, String> key, CapturedMetrics metrics) throws Exception {
        ExecutionConfig config = new ExecutionConfig();
        config.disableGenericTypes();
        MockEnvironment environment = new MockEnvironmentBuilder().setExecutionConfig(config).setMetricGroup(metrics).build();
        toClose.add(environment);
        KeyedOneInputStreamOperatorTestHarness<String, ChainMessage, ChainMessage> harness =
                new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(function), key, Types.STRING, environment);
        toClose.add(harness);
        harness.open();
        return harness;
    }

    /** Stitched calls come in, in this order, mixed with the walk messages in flight. */
    public void run(List<StitchedCall> calls) throws Exception {
        int next = 0;
        while (next < calls.size() || !inFlight.isEmpty()) {
            if (random.nextInt(16) == 0) {
                checkpoint(++checkpoints);
            }
            boolean takeCall = next < calls.size() && (inFlight.isEmpty() || random.nextBoolean());
            if (takeCall) {
                toRoute(ChainsJob.callMessage(calls.get(next++)));
            } else {
                ChainMessage message = inFlight.remove(random.nextInt(inFlight.size()));
                messages++;
                if (message.getKind() == ChainMessageKind.REPORT) {
                    toWalk(message);
                } else {
                    toRoute(message);
                }
            }
        }
    }

    /** Takes a checkpoint of both operators' state, as Flink does: throws if some state cannot be written. */
    public void checkpoint(long id) throws Exception {
        route.snapshot(id, id);
        walk.snapshot(id, id);
    }

    /** Fires the processing-time timers of both operators up to {@code timeMs}, then runs what that sent. */
    public void advanceProcessingTime(long timeMs) throws Exception {
        route.setProcessingTime(timeMs);
        walk.setProcessingTime(timeMs);
        collect();
        run(List.of());
    }

    private void toRoute(ChainMessage message) throws Exception {
        route.processElement(new StreamRecord<>(message));
        for (ChainMessage routed : route.extractOutputValues()) {
            toWalk(routed);
        }
        route.getOutput().clear();
    }

    private void toWalk(ChainMessage message) throws Exception {
        walk.processElement(new StreamRecord<>(message));
        collect();
    }

    private void collect() {
        inFlight.addAll(walk.extractOutputValues());
        walk.getOutput().clear();
        if (walk.getSideOutput(WalkChains.SUMMARIES) != null) {
            walk.getSideOutput(WalkChains.SUMMARIES).forEach(record -> summaries.add(record.getValue()));
            walk.getSideOutput(WalkChains.SUMMARIES).clear();
        }
        if (walk.getSideOutput(WalkChains.SPANS) != null) {
            walk.getSideOutput(WalkChains.SPANS).forEach(record -> spans.add(record.getValue()));
            walk.getSideOutput(WalkChains.SPANS).clear();
        }
    }

    public List<ChainSummary> summaries() {
        return summaries;
    }

    /** (trace id, span JSON) per span written. */
    public List<Tuple2<String, String>> spans() {
        return spans;
    }

    /** Walk messages and reports passed through the loop. */
    public long messages() {
        return messages;
    }

    /** A gauge of the walk step, e.g. {@code waitingCalls}. */
    public long walkGauge(String name) {
        return ((Gauge<Long>) walkMetrics.operator.get(name)).getValue();
    }

    /** The task metric group of a harness, handing the operator a group whose metrics the test can read. */
    private static final class CapturedMetrics extends UnregisteredMetricGroups.UnregisteredTaskMetricGroup {
        private final InterceptingOperatorMetricGroup operator = new InterceptingOperatorMetricGroup();

        @Override
        public OperatorMetricGroup getOrAddOperator(OperatorID operatorId, String name) {
            return operator;
        }
    }

    /** Keyed state entries and timers left in both operators. */
    public String leftOver() {
        return "route: " + route.numKeyedStateEntries() + " state entries, " + route.numProcessingTimeTimers() + " timers; "
                + "walk: " + walk.numKeyedStateEntries() + " state entries, " + walk.numProcessingTimeTimers() + " timers";
    }

    @Override
    public void close() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
    }
}
