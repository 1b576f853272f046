package io.callstitch.assemble;

import static io.callstitch.assemble.Fixtures.call;
import static io.callstitch.assemble.Fixtures.child;
import static io.callstitch.assemble.Fixtures.late;
import static io.callstitch.assemble.Fixtures.overMaxLatency;
import static io.callstitch.assemble.Fixtures.parent;
import static io.callstitch.assemble.Fixtures.stitched;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callstitch.schema.AssemblyState;
import io.callstitch.schema.Call;
import io.callstitch.schema.EdgePiece;
import io.callstitch.schema.Status;
import java.util.List;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.formats.avro.typeutils.AvroSerializer;
import org.junit.jupiter.api.Test;

class CallAssemblyTest {
    // seed example 1: id1 → id2 → id3
    private static final Call ID2 = call("id2", "10.0.0.2", "10.0.0.3", 1100, 1300);
    // a call over three 1 s buckets: one CHILD piece and three PARENT pieces
    private static final Call LONG = call("id7", "10.0.0.2", "10.0.0.3", 1500, 3200);

    @Test
    void childIdsBecomeParentsAndParentIdsBecomeChildren() {
        AssemblyState assembly = assemble(child(ID2, 2, "id1"), parent(ID2, 1000, 2, "id3"));

        assertTrue(CallAssembly.isComplete(assembly));
        assertEquals(stitched(ID2, List.of("id1"), List.of("id3"), Status.OK), CallAssembly.result(assembly));
    }

    @Test
    void callWithoutRelativesGetsEmptyLists() {
        Call id1 = call("id1", "10.0.0.1", "10.0.0.2", 1000, 1500);

        AssemblyState assembly = assemble(child(id1, 2), parent(id1, 1000, 2));

        assertEquals(stitched(id1, List.of(), List.of(), Status.OK), CallAssembly.result(assembly));
    }

    @Test
    void completeOnlyOnceChildAndEveryParentBucketArrived() {
        AssemblyState assembly = CallAssembly.start(parent(LONG, 1000, 4, "a"), 0);

        CallAssembly.add(assembly, child(LONG, 4, "p"));
        CallAssembly.add(assembly, parent(LONG, 3000, 4, "c"));
        assertFalse(CallAssembly.isComplete(assembly));

        CallAssembly.add(assembly, parent(LONG, 2000, 4, "b"));
        assertTrue(CallAssembly.isComplete(assembly));
    }

    @Test
    void parentPiecesAloneNeverComplete() {
        AssemblyState assembly = assemble(parent(ID2, 1000, 2, "id3"), parent(ID2, 2000, 2, "id4"));

        assertFalse(CallAssembly.isComplete(assembly));
    }

    @Test
    void duplicateChildPieceIsIgnoredAndReported() {
        AssemblyState assembly = CallAssembly.start(child(ID2, 2, "id1"), 0);

        assertFalse(CallAssembly.add(assembly, late(child(ID2, 2, "id9"))));
        assertFalse(CallAssembly.isComplete(assembly));
        assertTrue(CallAssembly.add(assembly, parent(ID2, 1000, 2, "id3")));

        assertEquals(stitched(ID2, List.of("id1"), List.of("id3"), Status.OK), CallAssembly.result(assembly));
    }

    @Test
    void duplicateParentBucketIsIgnoredAndReported() {
        AssemblyState assembly = CallAssembly.start(parent(LONG, 2000, 4, "b"), 0);

        assertFalse(CallAssembly.add(assembly, parent(LONG, 2000, 4, "x")));
        assertTrue(CallAssembly.add(assembly, parent(LONG, 3000, 4, "c")));
        assertTrue(CallAssembly.add(assembly, child(LONG, 4)));

        assertFalse(CallAssembly.isComplete(assembly), "two distinct buckets of three");
        assertEquals(List.of("b", "c"), CallAssembly.result(assembly).getChildren());
    }

    @Test
    void idsAreSortedAndDistinctAcrossPieces() {
        AssemblyState assembly = assemble(
                parent(LONG, 1000, 4, "id9", "id3"),
                parent(LONG, 2000, 4, "id3", "id10"),
                child(LONG, 4, "id5", "id11", "id5"),
                parent(LONG, 3000, 4, "id10"));

        // String natural order, as the contract asks: "id10" sorts before "id3"
        assertEquals(List.of("id10", "id3", "id9"), CallAssembly.result(assembly).getChildren());
        assertEquals(List.of("id11", "id5"), CallAssembly.result(assembly).getParents());
    }

    @Test
    void piecesInAnyOrderGiveTheSameCall() {
        EdgePiece asChild = child(LONG, 4, "p2", "p1");
        EdgePiece bucket1 = parent(LONG, 1000, 4, "a");
        EdgePiece bucket2 = parent(LONG, 2000, 4, "b", "a");
        EdgePiece bucket3 = parent(LONG, 3000, 4);

        assertEquals(CallAssembly.result(assemble(asChild, bucket1, bucket2, bucket3)),
                CallAssembly.result(assemble(bucket3, bucket2, asChild, bucket1)));
    }

    @Test
    void statusIsOkWhenNoPieceIsFlagged() {
        assertEquals(Status.OK, CallAssembly.result(assemble(child(ID2, 2), parent(ID2, 1000, 2))).getStatus());
    }

    @Test
    void anyOverMaxLatencyPieceMakesTheCallLatencyAboveMax() {
        assertEquals(Status.LATENCY_ABOVE_MAX,
                CallAssembly.result(assemble(child(ID2, 2), overMaxLatency(parent(ID2, 1000, 2)))).getStatus());
    }

    @Test
    void lateOutranksLatencyAboveMax() {
        assertEquals(Status.LATE,
                CallAssembly.result(assemble(overMaxLatency(child(ID2, 2)), late(parent(ID2, 1000, 2)))).getStatus());
        assertEquals(Status.LATE,
                CallAssembly.result(assemble(late(child(ID2, 2)), overMaxLatency(parent(ID2, 1000, 2)))).getStatus());
    }

    @Test
    void incompleteOutranksEverything() {
        AssemblyState assembly = assemble(late(overMaxLatency(child(ID2, 2, "id1"))));

        assertEquals(stitched(ID2, List.of("id1"), List.of(), Status.INCOMPLETE), CallAssembly.result(assembly));
    }

    @Test
    void stateSurvivesAnAvroRoundTripAndCarriesOn() throws Exception {
        AssemblyState before = assemble(overMaxLatency(parent(LONG, 1000, 4, "a")), late(child(LONG, 4, "p")));

        AssemblyState after = roundTrip(before);
        assertFalse(CallAssembly.add(after, parent(LONG, 1000, 4, "dup")), "bucket 1000 was seen before the round trip");
        CallAssembly.add(after, parent(LONG, 2000, 4, "b"));
        CallAssembly.add(after, parent(LONG, 3000, 4, "c"));

        assertTrue(CallAssembly.isComplete(after));
        assertEquals(stitched(LONG, List.of("p"), List.of("a", "b", "c"), Status.LATE), CallAssembly.result(after));
    }

    @Test
    void overMaxLatencyFlagSurvivesTheRoundTrip() throws Exception {
        AssemblyState after = roundTrip(assemble(overMaxLatency(child(ID2, 2))));
        CallAssembly.add(after, parent(ID2, 1000, 2));

        assertEquals(Status.LATENCY_ABOVE_MAX, CallAssembly.result(after).getStatus());
    }

    @Test
    void firstPieceSetsTheTimeout() {
        assertEquals(61_000, CallAssembly.start(child(ID2, 2, "id1"), 61_000).getTimeoutAtMs());
    }

    @Test
    void pieceOfAnotherCallIsRefused() {
        AssemblyState assembly = assemble(child(ID2, 2));
        EdgePiece other = parent(call("id3", "10.0.0.3", "10.0.0.4", 1120, 1220), 1000, 2);

        assertThrows(IllegalArgumentException.class, () -> CallAssembly.add(assembly, other));
    }

    private static AssemblyState assemble(EdgePiece... pieces) {
        AssemblyState state = CallAssembly.start(pieces[0], 0);
        for (int i = 1; i < pieces.length; i++) {
            CallAssembly.add(state, pieces[i]);
        }
        return state;
    }

    /** What keyed state does to the record between two pieces on RocksDB, or in a checkpoint of the heap. */
    private static AssemblyState roundTrip(AssemblyState state) throws Exception {
        AvroSerializer<AssemblyState> serializer = new AvroSerializer<>(AssemblyState.class);
        DataOutputSerializer out = new DataOutputSerializer(256);
        serializer.serialize(state, out);
        return serializer.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
    }
}
