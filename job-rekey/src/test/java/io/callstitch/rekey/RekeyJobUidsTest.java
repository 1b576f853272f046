package io.callstitch.rekey;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import io.callstitch.schema.ParsedInput;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.DiscardingSink;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.junit.jupiter.api.Test;

/**
 * Savepoints map state to operators by uid: every operator of job-rekey between its ends has a stable uid, so an
 * upgraded jar resumes from the state of the old one. The set is spelled out: a renamed uid is a break of
 * every savepoint taken before it, and must be a decision.
 */
class RekeyJobUidsTest {

    @Test
    void everyOperatorAndSinkHasAUid() {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        RekeyJob.build(env.fromCollection(List.of(), new AvroTypeInfo<>(ParsedInput.class)).uid("rekey-source"),
                new DiscardingSink<>(), new DiscardingSink<>(),
                new RekeyOptions.Settings(30_000, 30_000, WhenQuiet.IDLE, 60_000, 65_536, 256, 300_000), 5);
        Set<String> uids = new TreeSet<>();
        for (StreamNode node : env.getStreamGraph("uids", false).getStreamNodes()) {
            uids.add(String.valueOf(node.getTransformationUID()));
        }
        assertEquals(Set.of("rekey-source", "rekey-route-rejects", "rekey-drop-duplicates-by-slice", "rekey-file-under-ips",
                "rekey-marks", "rekey-by-ip-sink", "rekey-dead-letter-sink"), uids);
    }
}
