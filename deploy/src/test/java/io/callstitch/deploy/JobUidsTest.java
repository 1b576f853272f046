package io.callstitch.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import io.callstitch.chains.ChainsJob;
import io.callstitch.chains.ChainsOptions;
import io.callstitch.chains.operators.WalkChains;
import io.callstitch.schema.ChainMessage;
import io.callstitch.schema.StitchedCall;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.DiscardingSink;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.junit.jupiter.api.Test;

/**
 * Savepoints map state to operators by uid: every operator of every job between its ends has a stable
 * uid, so an upgraded jar resumes from the state of the old one.
 */
class JobUidsTest {

    private static Set<String> uidsOf(StreamExecutionEnvironment env) {
        Set<String> uids = new TreeSet<>();
        for (StreamNode node : env.getStreamGraph("uids", false).getStreamNodes()) {
            uids.add(String.valueOf(node.getTransformationUID()));
        }
        return uids;
    }

    @Test
    void jobChainsHasAUidOnEveryOperatorAndSink() throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        SingleOutputStreamOperator<ChainMessage> walked = ChainsJob.walk(
                env.fromCollection(List.of(), new AvroTypeInfo<>(StitchedCall.class)).uid("chains-source"),
                env.fromCollection(List.of(), new AvroTypeInfo<>(ChainMessage.class)).uid("chains-walk-source"), 600_000, true, 5000,
                ChainsOptions.ChainsBy.BEST_PARENT);
        walked.addSink(new DiscardingSink<>()).uid("chains-walk-sink");
        walked.getSideOutput(WalkChains.SUMMARIES).addSink(new DiscardingSink<>()).uid("chains-stats-sink");
        walked.getSideOutput(WalkChains.SPANS).addSink(new DiscardingSink<>()).uid("chains-zipkin-sink");
        assertEquals(Set.of("chains-source", "chains-walk-source", "chains-first-records", "chains-calls", "chains-walks", "chains-reports", "chains-route",
                "chains-walk", "chains-walk-sink", "chains-stats-sink", "chains-zipkin-sink"), uidsOf(env));
    }
}
