package io.callstitch.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import io.callstitch.assemble.AssembleJob;
import io.callstitch.assemble.AssembleOptions;
import io.callstitch.common.EdgeRule.Buckets;
import io.callstitch.match.MatchJob;
import io.callstitch.match.MatchOptions;
import io.callstitch.rekey.RekeyJob;
import io.callstitch.rekey.RekeyOptions;
import io.callstitch.rekey.WhenQuiet;
import io.callstitch.schema.ByIpRecord;
import io.callstitch.schema.EdgePiece;
import io.callstitch.schema.ParsedInput;
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
    void jobRekeyHasAUidOnEveryOperatorAndSink() {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        RekeyJob.build(env.fromCollection(List.of(), new AvroTypeInfo<>(ParsedInput.class)).uid("rekey-source"),
                new DiscardingSink<>(), new DiscardingSink<>(),
                new RekeyOptions.Settings(30_000, 30_000, WhenQuiet.IDLE, 60_000, 65_536, 256, 300_000), 5);
        assertEquals(Set.of("rekey-source", "rekey-route-rejects", "rekey-drop-duplicates-by-slice", "rekey-file-under-ips",
                "rekey-marks", "rekey-by-ip-sink", "rekey-dead-letter-sink"), uidsOf(env));
    }

    @Test
    void jobMatchHasAUidOnEveryOperatorAndSink() {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        MatchJob.build(env.fromCollection(List.of(), new AvroTypeInfo<>(ByIpRecord.class)).uid("match-source"),
                new DiscardingSink<>(), new Buckets(1000, 20_000), MatchOptions.defaultCallers());
        assertEquals(Set.of("match-source", "match-fan-out", "match-edges", "match-sink"), uidsOf(env));
    }

    @Test
    void jobAssembleHasAUidOnEveryOperatorAndSink() {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        AssembleJob.build(env.fromCollection(List.of(), new AvroTypeInfo<>(EdgePiece.class)).uid("assemble-source"),
                new DiscardingSink<>(), AssembleOptions.Timing.defaults());
        assertEquals(Set.of("assemble-source", "assemble-calls", "assemble-sink"), uidsOf(env));
    }
}
