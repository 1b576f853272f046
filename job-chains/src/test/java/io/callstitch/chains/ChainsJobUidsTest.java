package io.callstitch.chains;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.callstitch.schema.ChainMessage;
import io.callstitch.schema.StitchedCall;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.DiscardingSink;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.apache.flink.streaming.api.operators.ChainingStrategy;
import org.junit.jupiter.api.Test;

/**
 * Savepoints map state to operators by uid: every operator of job-chains between its ends has a
 * stable uid, so an upgraded jar resumes from the state of the old one.
 */
class ChainsJobUidsTest {

    @Test
    void jobChainsHasAUidOnEveryOperatorAndSink() {
        StreamExecutionEnvironment env = withTheJob(true);
        assertEquals(Set.of("chains-source", "chains-walk-source", "chains-first-records", "chains-calls", "chains-walks", "chains-reports",
                "chains-route", "chains-walk", "chains-walk-sink", "chains-stats-sink", "chains-zipkin-sink"), uidsOf(env));
    }

    @Test
    void withoutASpanSinkTheJobWritesNoSpans() {
        StreamExecutionEnvironment env = withTheJob(false);
        assertEquals(Set.of("chains-source", "chains-walk-source", "chains-first-records", "chains-calls", "chains-walks", "chains-reports",
                "chains-route", "chains-walk", "chains-walk-sink", "chains-stats-sink"), uidsOf(env));
    }

    @Test
    void eachSinkIsATaskOfItsOwn() {
        Map<String, ChainingStrategy> sinks = new TreeMap<>();
        for (StreamNode node : withTheJob(true).getStreamGraph("uids", false).getStreamNodes()) {
            if (node.getTransformationUID().endsWith("-sink")) {
                sinks.put(node.getTransformationUID(), node.getOperatorFactory().getChainingStrategy());
            }
        }
        assertEquals(Map.of("chains-walk-sink", ChainingStrategy.NEVER, "chains-stats-sink", ChainingStrategy.NEVER,
                "chains-zipkin-sink", ChainingStrategy.NEVER), sinks);
    }

    private static StreamExecutionEnvironment withTheJob(boolean spans) {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        ChainsJob.build(env.fromCollection(List.of(), new AvroTypeInfo<>(StitchedCall.class)).uid("chains-source"),
                env.fromCollection(List.of(), new AvroTypeInfo<>(ChainMessage.class)).uid("chains-walk-source"),
                new DiscardingSink<>(), new DiscardingSink<>(), spans ? new DiscardingSink<>() : null,
                600_000, 5000, ChainsOptions.ChainsBy.BEST_PARENT);
        return env;
    }

    private static Set<String> uidsOf(StreamExecutionEnvironment env) {
        Set<String> uids = new TreeSet<>();
        for (StreamNode node : env.getStreamGraph("uids", false).getStreamNodes()) {
            uids.add(String.valueOf(node.getTransformationUID()));
        }
        return uids;
    }
}
