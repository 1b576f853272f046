package io.callstitch.assemble;

import static io.callstitch.assemble.Fixtures.call;
import static io.callstitch.assemble.Fixtures.child;
import static io.callstitch.assemble.Fixtures.parent;
import static io.callstitch.assemble.Fixtures.stitched;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.callstitch.schema.Call;
import io.callstitch.schema.EdgePiece;
import io.callstitch.schema.Status;
import io.callstitch.schema.StitchedCall;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.DiscardingSink;
import org.apache.flink.streaming.api.functions.sink.SinkFunction;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.junit.jupiter.api.Test;

class AssembleJobTest {
    // seed example 2: id1 → id2 and id1 → id3
    private static final Call ID1 = call("id1", "10.0.0.1", "10.0.0.2", 1000, 1500);
    private static final Call ID2 = call("id2", "10.0.0.2", "10.0.0.3", 1100, 1300);
    private static final Call ID3 = call("id3", "10.0.0.2", "10.0.0.4", 1200, 1400);

    @Test
    void stitchesSeedExampleTwoBetweenInjectedEnds() throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(2);
        env.getConfig().disableGenericTypes();
        List<EdgePiece> pieces = List.of(
                parent(ID3, 1000, 2), child(ID2, 2, "id1"), parent(ID1, 1000, 2, "id3", "id2"),
                child(ID3, 2, "id1"), child(ID1, 2), parent(ID2, 1000, 2));
        CollectingSink sink = new CollectingSink();

        AssembleJob.build(env.fromCollection(pieces, new AvroTypeInfo<>(EdgePiece.class)), sink, defaults().timing);
        env.execute(AssembleJob.JOB_NAME);

        List<StitchedCall> out = sink.drain();
        out.sort(Comparator.comparing(StitchedCall::getId));
        assertEquals(List.of(
                stitched(ID1, List.of(), List.of("id2", "id3"), Status.OK),
                stitched(ID2, List.of("id1"), List.of(), Status.OK),
                stitched(ID3, List.of("id1"), List.of(), Status.OK)), out);
    }

    @Test
    void everyStatefulStepAndTheSinkHaveAStableUid() throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(1);
        AssembleJob.build(env.fromCollection(List.of(), new AvroTypeInfo<>(EdgePiece.class)), new DiscardingSink<>(),
                defaults().timing);

        Set<String> uids = new TreeSet<>();
        for (StreamNode node : env.getStreamGraph(AssembleJob.JOB_NAME, false).getStreamNodes()) {
            if (node.getTransformationUID() != null) {
                uids.add(node.getTransformationUID());
            }
        }
        assertEquals(Set.of("assemble-calls", "assemble-sink"), uids);
    }

    private static AssembleOptions defaults() throws Exception {
        return AssembleOptions.parse(new String[0], new PrintStream(OutputStream.nullOutputStream()));
    }

    /** Collects what the job writes; each instance has its own queue, so tests never share results. */
    private static final class CollectingSink implements SinkFunction<StitchedCall> {
        private static final long serialVersionUID = 1L;
        private static final Map<String, Queue<StitchedCall>> RESULTS = new ConcurrentHashMap<>();

        private final String id = UUID.randomUUID().toString();

        CollectingSink() {
            RESULTS.put(id, new ConcurrentLinkedQueue<>());
        }

        @Override
        public void invoke(StitchedCall call, Context context) {
            RESULTS.get(id).add(call);
        }

        List<StitchedCall> drain() {
            return new ArrayList<>(RESULTS.remove(id));
        }
    }
}
