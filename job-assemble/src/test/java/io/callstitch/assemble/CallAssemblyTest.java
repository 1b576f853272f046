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

import io.callstitch.schema.Call;
import io.callstitch.schema.EdgePiece;
import io.callstitch.schema.Status;
import java.util.List;
import org.junit.jupiter.api.Test;

class CallAssemblyTest {
    // seed example 1: id1 → id2 → id3
    private static final Call ID2 = call("id2", "10.0.0.2", "10.0.0.3", 1100, 1300);
    // a call over three 1 s buckets: one CHILD piece and three PARENT pieces
    private static final Call LONG = call("id7", "10.0.0.2", "10.0.0.3", 1500, 3200);

    @Test
    void childIdsBecomeParentsAndParentIdsBecomeChildren() {
        CallAssembly assembly = assemble(child(ID2, 2, "id1"), parent(ID2, 1000, 2, "id3"));

        assertTrue(assembly.isComplete());
        assertEquals(stitched(ID2, List.of("id1"), List.of("id3"), Status.OK), assembly.result());
    }

    @Test
    void callWithoutRelativesGetsEmptyLists() {
        Call id1 = call("id1", "10.0.0.1", "10.0.0.2", 1000, 1500);

        CallAssembly assembly = assemble(child(id1, 2), parent(id1, 1000, 2));

        assertEquals(stitched(id1, List.of(), List.of(), Status.OK), assembly.result());
    }

    @Test
    void completeOnlyOnceChildAndEveryParentBucketArrived() {
        CallAssembly assembly = CallAssembly.empty();

        assembly.add(parent(LONG, 1000, 4, "a"));
        assembly.add(child(LONG, 4, "p"));
        assembly.add(parent(LONG, 3000, 4, "c"));
        assertFalse(assembly.isComplete());

        assembly.add(parent(LONG, 2000, 4, "b"));
        assertTrue(assembly.isComplete());
    }

    @Test
    void parentPiecesAloneNeverComplete() {
        CallAssembly assembly = assemble(parent(ID2, 1000, 2, "id3"), parent(ID2, 2000, 2, "id4"));

        assertFalse(assembly.isComplete());
    }

    @Test
    void duplicateChildPieceIsIgnoredAndReported() {
        CallAssembly assembly = CallAssembly.empty();

        assertTrue(assembly.add(child(ID2, 2, "id1")));
        assertFalse(assembly.add(late(child(ID2, 2, "id9"))));
        assertFalse(assembly.isComplete());
        assertTrue(assembly.add(parent(ID2, 1000, 2, "id3")));

        assertEquals(stitched(ID2, List.of("id1"), List.of("id3"), Status.OK), assembly.result());
    }

    @Test
    void duplicateParentBucketIsIgnoredAndReported() {
        CallAssembly assembly = CallAssembly.empty();

        assertTrue(assembly.add(parent(LONG, 2000, 4, "b")));
        assertFalse(assembly.add(parent(LONG, 2000, 4, "x")));
        assertTrue(assembly.add(parent(LONG, 3000, 4, "c")));
        assertTrue(assembly.add(child(LONG, 4)));

        assertFalse(assembly.isComplete(), "two distinct buckets of three");
        assertEquals(List.of("b", "c"), assembly.result().getChildren());
    }

    @Test
    void idsAreSortedAndDistinctAcrossPieces() {
        CallAssembly assembly = assemble(
                parent(LONG, 1000, 4, "id9", "id3"),
                parent(LONG, 2000, 4, "id3", "id10"),
                child(LONG, 4, "id5", "id11", "id5"),
                parent(LONG, 3000, 4, "id10"));

        // String natural order, as the contract asks: "id10" sorts before "id3"
        assertEquals(List.of("id10", "id3", "id9"), assembly.result().getChildren());
        assertEquals(List.of("id11", "id5"), assembly.result().getParents());
    }

    @Test
    void piecesInAnyOrderGiveTheSameCall() {
        EdgePiece asChild = child(LONG, 4, "p2", "p1");
        EdgePiece bucket1 = parent(LONG, 1000, 4, "a");
        EdgePiece bucket2 = parent(LONG, 2000, 4, "b", "a");
        EdgePiece bucket3 = parent(LONG, 3000, 4);

        assertEquals(assemble(asChild, bucket1, bucket2, bucket3).result(),
                assemble(bucket3, bucket2, asChild, bucket1).result());
    }

    @Test
    void statusIsOkWhenNoPieceIsFlagged() {
        assertEquals(Status.OK, assemble(child(ID2, 2), parent(ID2, 1000, 2)).result().getStatus());
    }

    @Test
    void anyOverMaxLatencyPieceMakesTheCallLatencyAboveMax() {
        assertEquals(Status.LATENCY_ABOVE_MAX,
                assemble(child(ID2, 2), overMaxLatency(parent(ID2, 1000, 2))).result().getStatus());
    }

    @Test
    void lateOutranksLatencyAboveMax() {
        assertEquals(Status.LATE,
                assemble(overMaxLatency(child(ID2, 2)), late(parent(ID2, 1000, 2))).result().getStatus());
        assertEquals(Status.LATE,
                assemble(late(child(ID2, 2)), overMaxLatency(parent(ID2, 1000, 2))).result().getStatus());
    }

    @Test
    void incompleteOutranksEverything() {
        CallAssembly assembly = assemble(late(overMaxLatency(child(ID2, 2, "id1"))));

        assertEquals(stitched(ID2, List.of("id1"), List.of(), Status.INCOMPLETE), assembly.result());
    }

    @Test
    void restoredAssemblyCarriesOnWhereItStopped() {
        CallAssembly before = assemble(overMaxLatency(parent(LONG, 1000, 4, "a")), late(child(LONG, 4, "p")));

        CallAssembly after = CallAssembly.restore(before.partial(), before.childSeen(), before.parentBuckets());
        assertFalse(after.add(parent(LONG, 1000, 4, "dup")), "bucket 1000 was seen before the restore");
        after.add(parent(LONG, 2000, 4, "b"));
        after.add(parent(LONG, 3000, 4, "c"));

        assertTrue(after.isComplete());
        assertEquals(stitched(LONG, List.of("p"), List.of("a", "b", "c"), Status.LATE), after.result());
    }

    @Test
    void restoredOverMaxLatencyFlagIsKept() {
        CallAssembly before = assemble(overMaxLatency(child(ID2, 2)));

        CallAssembly after = CallAssembly.restore(before.partial(), before.childSeen(), before.parentBuckets());
        after.add(parent(ID2, 1000, 2));

        assertEquals(Status.LATENCY_ABOVE_MAX, after.result().getStatus());
    }

    @Test
    void restoredAssemblyWithoutNewPieceIsIncomplete() {
        CallAssembly before = assemble(child(ID2, 2, "id1"));

        CallAssembly after = CallAssembly.restore(before.partial(), before.childSeen(), before.parentBuckets());

        assertEquals(stitched(ID2, List.of("id1"), List.of(), Status.INCOMPLETE), after.result());
    }

    @Test
    void restoringNothingGivesAnEmptyAssembly() {
        assertTrue(CallAssembly.restore(null, false, null).isEmpty());
    }

    @Test
    void pieceOfAnotherCallIsRefused() {
        CallAssembly assembly = assemble(child(ID2, 2));
        EdgePiece other = parent(call("id3", "10.0.0.3", "10.0.0.4", 1120, 1220), 1000, 2);

        assertThrows(IllegalArgumentException.class, () -> assembly.add(other));
    }

    private static CallAssembly assemble(EdgePiece... pieces) {
        CallAssembly assembly = CallAssembly.empty();
        for (EdgePiece piece : pieces) {
            assembly.add(piece);
        }
        return assembly;
    }
}
