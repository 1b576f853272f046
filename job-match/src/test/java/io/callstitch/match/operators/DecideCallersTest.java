package io.callstitch.match.operators;

import static io.callstitch.match.Fixtures.call;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import io.callstitch.common.EdgeRule.Buckets;
import io.callstitch.match.MatchOptions;
import io.callstitch.schema.Call;
import io.callstitch.schema.ClosedBucket;
import io.callstitch.schema.EdgePiece;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/** A closed bucket held on the heap while it waits for the watermark survives a checkpoint and a restore. */
class DecideCallersTest {
    private final Buckets buckets = new Buckets(1000, 20_000);

    private KeyedOneInputStreamOperatorTestHarness<String, ClosedBucket, EdgePiece> harness() throws Exception {
        return new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(new DecideCallers(buckets, MatchOptions.defaultCallers())),
                ClosedBucket::getIp, Types.STRING);
    }

    private ClosedBucket bucket() {
        List<Call> parents = List.of(call("p1", "10.0.0.1", "10.0.0.2", 1000, 1900), call("p2", "10.0.0.1", "10.0.0.2", 1100, 1800));
        List<Call> children = List.of(call("c1", "10.0.0.2", "10.0.0.3", 1200, 1300), call("c2", "10.0.0.2", "10.0.0.3", 1850, 1870));
        return new ClosedBucket("10.0.0.2", 1L, new ArrayList<>(children), new ArrayList<>(parents), List.of());
    }

    private static List<String> pieces(List<EdgePiece> pieces) {
        List<String> seen = new ArrayList<>();
        for (EdgePiece piece : pieces) {
            seen.add(piece.getCall().getId() + " " + piece.getRole() + " " + piece.getIds() + " best " + piece.getBestParent() + " "
                    + piece.getBestChildren() + " at " + piece.getWrittenAtMs());
        }
        seen.sort(null);
        return seen;
    }

    @Test
    void aWaitingBucketIsDecidedAfterARestoreAsWithout() throws Exception {
        long closesAt = buckets.closesAt(1);
        List<String> straight;
        try (KeyedOneInputStreamOperatorTestHarness<String, ClosedBucket, EdgePiece> run = harness()) {
            run.open();
            run.processElement(new StreamRecord<>(bucket(), closesAt));
            run.processWatermark(new Watermark(closesAt));
            straight = pieces(run.extractOutputValues());
        }
        assertEquals(List.of("c1 CHILD [p1, p2] best p2 [] at " + closesAt, "c2 CHILD [p1] best p1 [] at " + closesAt,
                "p1 PARENT [c1, c2] best null [c2] at " + closesAt, "p2 PARENT [c1] best null [c1] at " + closesAt), straight);

        OperatorSubtaskState snapshot;
        try (KeyedOneInputStreamOperatorTestHarness<String, ClosedBucket, EdgePiece> before = harness()) {
            before.open();
            before.processElement(new StreamRecord<>(bucket(), closesAt));
            before.processWatermark(new Watermark(closesAt - 1));
            assertEquals(List.of(), before.extractOutputValues(), "the bucket waits for its close");
            snapshot = before.snapshot(1, 1);
        }
        try (KeyedOneInputStreamOperatorTestHarness<String, ClosedBucket, EdgePiece> after = harness()) {
            after.initializeState(snapshot);
            after.open();
            after.processWatermark(new Watermark(closesAt));
            assertEquals(straight, pieces(after.extractOutputValues()), "decided after the restore as without it");
        }
    }
}
