package io.callstitch.assemble.operators;

import static io.callstitch.assemble.Fixtures.amends;
import static io.callstitch.assemble.Fixtures.call;
import static io.callstitch.assemble.Fixtures.child;
import static io.callstitch.assemble.Fixtures.late;
import static io.callstitch.assemble.Fixtures.overMaxLatency;
import static io.callstitch.assemble.Fixtures.parent;
import static io.callstitch.assemble.Fixtures.stitched;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callstitch.schema.Call;
import io.callstitch.schema.EdgePiece;
import io.callstitch.schema.Status;
import io.callstitch.schema.StitchedCall;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.ExecutionConfig;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.jobgraph.OperatorID;
import org.apache.flink.runtime.metrics.groups.OperatorMetricGroup;
import org.apache.flink.runtime.metrics.groups.UnregisteredMetricGroups;
import org.apache.flink.runtime.metrics.util.InterceptingOperatorMetricGroup;
import org.apache.flink.runtime.operators.testutils.MockEnvironment;
import org.apache.flink.runtime.operators.testutils.MockEnvironmentBuilder;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class AssembleCallsTest {
    private static final long TIMEOUT_MS = 60_000;
    private static final long WINDOW_MS = 15_000;

    // seed example 1: id1 → id2 → id3, each call within one 1 s bucket, so two pieces each
    private static final Call ID1 = call("id1", "10.0.0.1", "10.0.0.2", 1000, 1500);
    private static final Call ID2 = call("id2", "10.0.0.2", "10.0.0.3", 1100, 1300);
    private static final Call ID3 = call("id3", "10.0.0.3", "10.0.0.4", 1120, 1220);
    // over three 1 s buckets: one CHILD piece and three PARENT pieces
    private static final Call LONG = call("id7", "10.0.0.2", "10.0.0.3", 1500, 3200);

    private final List<AutoCloseable> toClose = new ArrayList<>();
    private CapturedMetrics metrics;
    private KeyedOneInputStreamOperatorTestHarness<String, EdgePiece, StitchedCall> harness;
    private AssembleCalls function;

    @AfterEach
    void closeHarnesses() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
    }

    @Test
    void emitsOnceWhenLastPieceArrives() throws Exception {
        open();

        process(child(ID2, 2, "id1"));
        assertEquals(List.of(), harness.extractOutputValues(), "one piece of two");

        process(parent(ID2, 1000, 2, "id3"));
        assertEquals(List.of(stitched(ID2, List.of("id1"), List.of("id3"), Status.OK)), harness.extractOutputValues());
        assertEquals(1, metrics.count("callsStitched"));
        assertNothingLeft();
    }

    @Test
    void stitchesSeedExampleOneWithPiecesInterleaved() throws Exception {
        open();

        process(parent(ID3, 1000, 2));
        process(child(ID2, 2, "id1"));
        process(parent(ID1, 1000, 2, "id2"));
        process(child(ID3, 2, "id2"));
        process(child(ID1, 2));
        process(parent(ID2, 1000, 2, "id3"));

        assertEquals(List.of(
                stitched(ID3, List.of("id2"), List.of(), Status.OK),
                stitched(ID1, List.of(), List.of("id2"), Status.OK),
                stitched(ID2, List.of("id1"), List.of("id3"), Status.OK)), harness.extractOutputValues());
        assertNothingLeft();
    }

    @Test
    void waitsForEveryParentBucketInAnyOrder() throws Exception {
        open();

        process(parent(LONG, 3000, 4, "c"));
        process(parent(LONG, 1000, 4, "a"));
        process(child(LONG, 4, "p"));
        assertEquals(List.of(), harness.extractOutputValues(), "bucket 2000 still missing");

        process(parent(LONG, 2000, 4, "b"));
        assertEquals(List.of(stitched(LONG, List.of("p"), List.of("a", "b", "c"), Status.OK)),
                harness.extractOutputValues());
        assertNothingLeft();
    }

    @Test
    void duplicatePieceIsIgnoredAndCounted() throws Exception {
        open();

        process(child(LONG, 4, "p"));
        process(parent(LONG, 1000, 4, "a"));
        process(late(child(LONG, 4, "x")));
        process(parent(LONG, 1000, 4, "y"));
        process(parent(LONG, 2000, 4, "b"));
        assertEquals(List.of(), harness.extractOutputValues(), "duplicates do not count towards the four pieces");

        process(parent(LONG, 3000, 4, "c"));
        assertEquals(List.of(stitched(LONG, List.of("p"), List.of("a", "b", "c"), Status.OK)),
                harness.extractOutputValues());
        assertEquals(2, metrics.count("duplicatePieces"));
        assertNothingLeft();
    }

    @Test
    void listsAreSortedAndDistinct() throws Exception {
        open();

        process(parent(LONG, 1000, 4, "id9", "id3"));
        process(parent(LONG, 2000, 4, "id3", "id10"));
        process(parent(LONG, 3000, 4, "id10"));
        process(child(LONG, 4, "id5", "id11"));

        assertEquals(List.of(stitched(LONG, List.of("id11", "id5"), List.of("id10", "id3", "id9"), Status.OK)),
                harness.extractOutputValues());
        assertNothingLeft();
    }

    @Test
    void timeoutEmitsIncompleteWithWhatItHad() throws Exception {
        open();
        harness.processWatermark(new Watermark(5_000));

        process(child(LONG, 4, "p"));
        process(parent(LONG, 2000, 4, "b"));
        harness.processWatermark(new Watermark(5_000 + TIMEOUT_MS - 1));
        assertEquals(List.of(), harness.extractOutputValues(), "not yet timed out");

        harness.processWatermark(new Watermark(5_000 + TIMEOUT_MS));
        assertEquals(List.of(stitched(LONG, List.of("p"), List.of("b"), Status.INCOMPLETE)),
                harness.extractOutputValues());
        assertEquals(1, metrics.count("callsIncomplete"));
        assertEquals(1, metrics.count("callsStitched"));
        assertNothingLeft();
    }

    @Test
    void timeoutCountsFromTheFirstPiece() throws Exception {
        open();

        process(child(LONG, 4, "p"));
        harness.processWatermark(new Watermark(TIMEOUT_MS - 10));
        process(parent(LONG, 1000, 4, "a"));
        harness.processWatermark(new Watermark(TIMEOUT_MS));

        assertEquals(List.of(stitched(LONG, List.of("p"), List.of("a"), Status.INCOMPLETE)),
                harness.extractOutputValues());
        assertNothingLeft();
    }

    @Test
    void aWrittenCallIsKeptForTheRevisionWindowThenForgotten() throws Exception {
        open();

        process(writtenAt(child(ID2, 2, "id1"), 10_000));
        assertEquals(1, function.dueEntriesForTests(), "the safety net's deadline");
        assertEquals(1, function.pendingCallsForTests());
        process(writtenAt(parent(ID2, 1000, 2, "id3"), 10_000));
        assertEquals(0, function.pendingCallsForTests(), "written: no longer pending");
        assertEquals(1, function.keptCallsForTests(), "but kept");
        assertEquals(2, function.dueEntriesForTests(), "the window's deadline beside the safety net's, passed over when due");
        harness.processWatermark(new Watermark(10_000 + WINDOW_MS - 1));
        assertEquals(1, harness.numKeyedStateEntries(), "kept until the window has passed");
        harness.processWatermark(new Watermark(10_000 + WINDOW_MS));
        assertEquals(0, harness.numKeyedStateEntries(), "forgotten once it has");
        assertEquals(0, function.keptCallsForTests());
        harness.processWatermark(new Watermark(10_000 + TIMEOUT_MS));
        assertEquals(0, function.dueEntriesForTests(), "the safety net's old deadline passed over");
        assertEquals(0, harness.numEventTimeTimers(), "no timers at all");
        assertEquals(List.of(stitched(ID2, List.of("id1"), List.of("id3"), Status.OK)), harness.extractOutputValues());
    }

    @Test
    void aPieceRepeatedAfterItsCallWasWrittenIsDroppedNotASecondRecord() throws Exception {
        open();

        process(writtenAt(child(ID2, 2, "id1"), 10_000));
        process(writtenAt(parent(ID2, 1000, 2, "id3"), 10_000));
        harness.processWatermark(new Watermark(20_000));
        process(writtenAt(child(ID2, 2, "id1"), 10_000));
        process(writtenAt(parent(ID2, 1000, 2, "id3"), 10_000));

        assertEquals(List.of(stitched(ID2, List.of("id1"), List.of("id3"), Status.OK)), harness.extractOutputValues());
        assertEquals(2, metrics.count("duplicatePieces"));
        assertNothingLeft();
    }

    @Test
    void anAmendmentOfAWrittenCallWritesItAgainRevisedWithTheEdge() throws Exception {
        open();

        process(writtenAt(child(ID1, 2), 10_000));
        process(writtenAt(parent(ID1, 1000, 2, "id2"), 10_000));
        harness.processWatermark(new Watermark(12_000));
        process(writtenAt(amends(parent(ID1, 1000, 2, "id0")), 12_000));

        assertEquals(List.of(
                stitched(ID1, List.of(), List.of("id2"), Status.OK),
                stitched(ID1, List.of(), List.of("id0", "id2"), Status.REVISED)), harness.extractOutputValues());
        assertEquals(1, metrics.count("callsRevised"));
        assertNothingLeft();
    }

    @Test
    void anAmendmentBeforeTheLastPieceIsInTheOneRecord() throws Exception {
        open();

        process(child(LONG, 4, "p"));
        process(parent(LONG, 1000, 4, "a"));
        process(amends(child(LONG, 4, "q")));
        process(parent(LONG, 2000, 4));
        process(parent(LONG, 3000, 4));

        assertEquals(List.of(stitched(LONG, List.of("p", "q"), List.of("a"), Status.OK)), harness.extractOutputValues());
        assertNothingLeft();
    }

    @Test
    void aPieceThatComesAfterTheSafetyNetRevisesTheIncompleteRecord() throws Exception {
        open();

        process(writtenAt(child(ID2, 2, "id1"), 0));
        harness.processWatermark(new Watermark(TIMEOUT_MS));
        process(writtenAt(parent(ID2, 1000, 2, "id3"), TIMEOUT_MS));

        assertEquals(List.of(
                stitched(ID2, List.of("id1"), List.of(), Status.INCOMPLETE),
                stitched(ID2, List.of("id1"), List.of("id3"), Status.REVISED)), harness.extractOutputValues());
        assertNothingLeft();
    }

    @Test
    void anAmendmentAfterTheWindowIsCountedAndLeavesNoState() throws Exception {
        open();

        process(writtenAt(child(ID1, 2), 10_000));
        process(writtenAt(parent(ID1, 1000, 2, "id2"), 10_000));
        harness.processWatermark(new Watermark(10_000 + WINDOW_MS));
        process(writtenAt(amends(parent(ID1, 1000, 2, "id0")), 10_000 + WINDOW_MS));

        assertEquals(List.of(stitched(ID1, List.of(), List.of("id2"), Status.OK)), harness.extractOutputValues());
        assertEquals(1, metrics.count("amendmentsTooLate"));
        assertNothingLeft();
    }

    @Test
    void endOfBoundedInputFlushesIncompleteCalls() throws Exception {
        open();

        process(child(ID2, 2, "id1"));
        process(parent(ID1, 1000, 2, "id2"));
        harness.processWatermark(new Watermark(5_000));
        assertEquals(List.of(), harness.extractOutputValues(), "only the final watermark flushes");

        harness.processWatermark(new Watermark(Long.MAX_VALUE));
        List<StitchedCall> out = harness.extractOutputValues();
        assertEquals(2, out.size());
        assertTrue(out.contains(stitched(ID2, List.of("id1"), List.of(), Status.INCOMPLETE)));
        assertTrue(out.contains(stitched(ID1, List.of(), List.of("id2"), Status.INCOMPLETE)));
        assertEquals(2, metrics.count("callsIncomplete"));
        assertNothingLeft();
    }

    @Test
    void timeoutCountsInJobMatchProgressNotInProcessingTime() throws Exception {
        open();

        process(writtenAt(child(ID2, 2, "id1"), 100_000));
        assertEquals(List.of(), harness.extractOutputValues());
        harness.setProcessingTime(10 * TIMEOUT_MS);
        assertEquals(List.of(), harness.extractOutputValues(), "hours of wall clock time out nothing");
        harness.processWatermark(new Watermark(100_000 + TIMEOUT_MS - 1));
        assertEquals(List.of(), harness.extractOutputValues(), "the timeout counts from when job-match wrote the piece");

        harness.processWatermark(new Watermark(100_000 + TIMEOUT_MS));
        assertEquals(List.of(stitched(ID2, List.of("id1"), List.of(), Status.INCOMPLETE)), harness.extractOutputValues());
        assertNothingLeft();
    }

    @Test
    void outageOfJobAssembleTimesNothingOut() throws Exception {
        open();
        harness.processWatermark(new Watermark(50_000));
        process(writtenAt(child(ID2, 2, "id1"), 50_000));
        OperatorSubtaskState checkpoint = harness.snapshot(1, 1);

        // restored long after, by the wall clock: the piece still waiting upstream completes the call
        open(checkpoint);
        harness.setProcessingTime(100 * TIMEOUT_MS);
        harness.processWatermark(new Watermark(50_000));
        process(writtenAt(parent(ID2, 1000, 2, "id3"), 50_000));

        assertEquals(List.of(stitched(ID2, List.of("id1"), List.of("id3"), Status.OK)), harness.extractOutputValues());
        assertEquals(0, metrics.count("callsIncomplete"));
        assertNothingLeft();
    }

    @Test
    void statusFollowsPrecedenceAndIsCounted() throws Exception {
        open();
        Call lateCall = call("late", "10.0.0.1", "10.0.0.2", 1000, 1500);
        Call slowCall = call("slow", "10.0.0.1", "10.0.0.2", 1000, 1500);
        Call bothCall = call("both", "10.0.0.1", "10.0.0.2", 1000, 1500);
        Call lostCall = call("lost", "10.0.0.1", "10.0.0.2", 1000, 1500);

        process(late(child(lateCall, 2)));
        process(parent(lateCall, 1000, 2));
        process(overMaxLatency(child(slowCall, 2)));
        process(overMaxLatency(parent(slowCall, 1000, 2)));
        process(overMaxLatency(child(bothCall, 2)));
        process(late(parent(bothCall, 1000, 2)));
        process(late(overMaxLatency(child(lostCall, 2))));
        harness.processWatermark(new Watermark(TIMEOUT_MS));

        assertEquals(List.of(
                stitched(lateCall, List.of(), List.of(), Status.LATE),
                stitched(slowCall, List.of(), List.of(), Status.LATENCY_ABOVE_MAX),
                stitched(bothCall, List.of(), List.of(), Status.LATE),
                stitched(lostCall, List.of(), List.of(), Status.INCOMPLETE)), harness.extractOutputValues());
        assertEquals(4, metrics.count("callsStitched"));
        assertEquals(2, metrics.count("callsLate"));
        assertEquals(1, metrics.count("callsOverMaxLatency"));
        assertEquals(1, metrics.count("callsIncomplete"));
        assertNothingLeft();
    }

    @Test
    void partialCallSurvivesRestoreFromCheckpoint() throws Exception {
        open();
        process(late(parent(LONG, 1000, 4, "a")));
        process(child(LONG, 4, "p"));
        OperatorSubtaskState checkpoint = harness.snapshot(1, 1);

        open(checkpoint);
        assertEquals(1, function.dueEntriesForTests(), "the restored call is back in the index of deadlines");
        assertEquals(1, function.pendingCallsForTests(), "the gauge survives the restore");
        process(parent(LONG, 1000, 4, "dup"));
        process(parent(LONG, 2000, 4, "b"));
        process(parent(LONG, 3000, 4, "c"));

        assertEquals(List.of(stitched(LONG, List.of("p"), List.of("a", "b", "c"), Status.LATE)),
                harness.extractOutputValues());
        assertEquals(1, metrics.count("duplicatePieces"));
        assertNothingLeft();
    }

    @Test
    void aDeadlineOffTheWholeSecondFallsDueAtTheNextOneNeverEarlier() throws Exception {
        open();

        process(writtenAt(child(ID2, 2, "id1"), 10_500));
        harness.processWatermark(new Watermark(10_500 + TIMEOUT_MS));
        harness.processWatermark(new Watermark(10_999 + TIMEOUT_MS));
        assertEquals(List.of(), harness.extractOutputValues(), "not before the whole second after the deadline");
        harness.processWatermark(new Watermark(11_000 + TIMEOUT_MS));
        assertEquals(List.of(stitched(ID2, List.of("id1"), List.of(), Status.INCOMPLETE)), harness.extractOutputValues());
        assertNothingLeft();
    }

    @Test
    void aRestoreIndexesEveryCallAgainSoItsDeadlineStillHolds() throws Exception {
        open();
        // one call still missing a piece, one written and kept
        process(writtenAt(child(ID2, 2, "id1"), 10_000));
        process(writtenAt(child(ID3, 2, "id2"), 12_000));
        process(writtenAt(parent(ID3, 1000, 2), 12_000));
        OperatorSubtaskState checkpoint = harness.snapshot(1, 1);

        open(checkpoint);
        assertEquals(1, function.pendingCallsForTests(), "the gauges are counted again from the state");
        assertEquals(1, function.keptCallsForTests());
        assertEquals(2, function.dueEntriesForTests(), "one deadline per restored call");
        harness.processWatermark(new Watermark(12_000 + WINDOW_MS));
        assertEquals(1, harness.numKeyedStateEntries(), "the kept call is forgotten when its window ends");
        assertEquals(0, function.keptCallsForTests());
        harness.processWatermark(new Watermark(10_000 + TIMEOUT_MS));
        assertEquals(List.of(stitched(ID2, List.of("id1"), List.of(), Status.INCOMPLETE)), harness.extractOutputValues(),
                "the waiting call is written by the safety net at its deadline");
        assertEquals(1, metrics.count("callsIncomplete"));
        assertNothingLeft();
    }

    private void open() throws Exception {
        open(null);
    }

    private void open(OperatorSubtaskState restoreFrom) throws Exception {
        ExecutionConfig config = new ExecutionConfig();
        // as in the job: Kryo breaks on Java 17, so state must never fall back to it
        config.disableGenericTypes();
        metrics = new CapturedMetrics();
        MockEnvironment environment = new MockEnvironmentBuilder()
                .setExecutionConfig(config)
                .setMetricGroup(metrics)
                .build();
        toClose.add(environment);
        function = new AssembleCalls(TIMEOUT_MS, WINDOW_MS);
        harness = new KeyedOneInputStreamOperatorTestHarness<>(
                function,
                piece -> piece.getCall().getId(), Types.STRING, environment);
        toClose.add(harness);
        if (restoreFrom != null) {
            harness.initializeState(restoreFrom);
        }
        harness.open();
    }

    private void process(EdgePiece piece) throws Exception {
        harness.processElement(new StreamRecord<>(piece, piece.getWrittenAtMs()));
    }

    private static EdgePiece writtenAt(EdgePiece piece, long writtenAtMs) {
        return EdgePiece.newBuilder(piece).setWrittenAtMs(writtenAtMs).build();
    }

    /** Once job-match has got past every revision window, nothing more is written and nothing is left. */
    private void assertNothingLeft() throws Exception {
        int written = harness.extractOutputValues().size();
        harness.processWatermark(new Watermark(Long.MAX_VALUE));
        assertEquals(written, harness.extractOutputValues().size(), "forgetting the written calls writes nothing");
        assertEquals(0, function.pendingCallsForTests(), "the pendingCalls gauge is back at zero");
        assertEquals(0, function.keptCallsForTests(), "the writtenCallsKept gauge is back at zero");
        assertEquals(0, harness.numKeyedStateEntries(), "keyed state entries left");
        assertEquals(0, harness.numProcessingTimeTimers(), "processing-time timers left");
        assertEquals(0, harness.numEventTimeTimers(), "event-time timers left");
        assertEquals(0, function.dueEntriesForTests(), "deadlines left in the index");
    }

    /** The task metric group of the harness, handing the operator a group whose counters the test can read. */
    private static final class CapturedMetrics extends UnregisteredMetricGroups.UnregisteredTaskMetricGroup {
        private final InterceptingOperatorMetricGroup operator = new InterceptingOperatorMetricGroup();

        @Override
        public OperatorMetricGroup getOrAddOperator(OperatorID operatorId, String name) {
            return operator;
        }

        long count(String name) {
            return ((Counter) operator.get(name)).getCount();
        }
    }
}
