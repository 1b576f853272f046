package io.callstitch.assemble;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import io.callstitch.schema.EdgePiece;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.DiscardingSink;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.junit.jupiter.api.Test;

/**
 * Savepoints map state to operators by uid: every operator of job-assemble between its ends has a stable uid, so an
 * upgraded jar resumes from the state of the old one. The set is spelled out: a renamed uid is a break of
 * every savepoint taken before it, and must be a decision.
 */
class AssembleJobUidsTest {

    @Test
    void everyOperatorAndSinkHasAUid() {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        AssembleJob.build(env.fromCollection(List.of(), new AvroTypeInfo<>(EdgePiece.class)).uid("assemble-source"),
                new DiscardingSink<>(), AssembleOptions.Timing.defaults());
        Set<String> uids = new TreeSet<>();
        for (StreamNode node : env.getStreamGraph("uids", false).getStreamNodes()) {
            uids.add(String.valueOf(node.getTransformationUID()));
        }
        assertEquals(Set.of("assemble-source", "assemble-calls", "assemble-sink"), uids);
    }
}
