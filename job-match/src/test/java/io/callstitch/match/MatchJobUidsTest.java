package io.callstitch.match;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import io.callstitch.common.EdgeRule.Buckets;
import io.callstitch.schema.ByIpRecord;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.DiscardingSink;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.junit.jupiter.api.Test;

/**
 * Savepoints map state to operators by uid: every operator of job-match between its ends has a stable uid, so an
 * upgraded jar resumes from the state of the old one. The set is spelled out: a renamed uid is a break of
 * every savepoint taken before it, and must be a decision.
 */
class MatchJobUidsTest {

    @Test
    void everyOperatorAndSinkHasAUid() {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        MatchJob.build(env.fromCollection(List.of(), new AvroTypeInfo<>(ByIpRecord.class)).uid("match-source"),
                new DiscardingSink<>(), new Buckets(1000, 20_000), MatchOptions.defaultCallers(), 5);
        Set<String> uids = new TreeSet<>();
        for (StreamNode node : env.getStreamGraph("uids", false).getStreamNodes()) {
            uids.add(String.valueOf(node.getTransformationUID()));
        }
        assertEquals(Set.of("match-source", "match-fan-out", "match-edges", "match-callers", "match-progress-marks", "match-sink"), uids);
    }
}
