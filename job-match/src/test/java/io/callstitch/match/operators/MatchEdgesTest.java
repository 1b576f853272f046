package io.callstitch.match.operators;

import static io.callstitch.match.Fixtures.call;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Collectors;
import io.callstitch.match.BucketedCall;
import io.callstitch.match.Fixtures;
import io.callstitch.common.EdgeRule.Buckets;
import io.callstitch.match.MatchOptions;
import io.callstitch.match.caller.CallerModels;
import io.callstitch.match.caller.ModelSettings;
import io.callstitch.schema.ByIpRecord;
import io.callstitch.schema.Call;
import io.callstitch.schema.EdgePiece;
import io.callstitch.schema.Role;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.util.Collector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class MatchEdgesTest {
    private final Buckets buckets = new Buckets(1000, 20_000);
    private MatchOperators harness;

    @BeforeEach
    void open() throws Exception {
        harness = new MatchOperators(buckets, MatchOptions.defaultCallers());
        harness.open();
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    private void send(Call... calls) throws Exception {
        send(buckets, calls);
    }

    private void send(Buckets shape, Call... calls) throws Exception {
        FanOutToBuckets fanOut = new FanOutToBuckets(shape);
        List<BucketedCall> copies = new ArrayList<>();
        Collector<BucketedCall> collector = new Collector<>() {
            @Override
            public void collect(BucketedCall record) {
                copies.add(record);
            }

            @Override
            public void close() {}
        };
        for (Call c : calls) {
            fanOut.flatMap(new ByIpRecord(Role.CHILD, c.getSrcIp(), c, null), collector);
            fanOut.flatMap(new ByIpRecord(Role.PARENT, c.getDstIp(), c, null), collector);
        }
        for (BucketedCall copy : copies) {
            harness.processElement(new StreamRecord<>(copy, copy.call.getEndAtMs()));
        }
    }

    /** "id role" → ids, merged over buckets, as job-assemble would. */
    private Map<String, List<String>> answers() {
        Map<String, List<String>> answers = new TreeMap<>();
        for (EdgePiece piece : harness.extractOutputValues()) {
            answers.computeIfAbsent(piece.getCall().getId() + " " + piece.getRole(), k -> new ArrayList<>()).addAll(piece.getIds());
        }
        return answers;
    }

    private long bufferedCalls() {
        return harness.bufferedCalls();
    }

    private void assertNothingLeft() {
        assertEquals(0, bufferedCalls(), "the bufferedCalls gauge is back at zero");
        assertEquals(0, harness.numKeyedStateEntries(), "state left behind");
        assertEquals(0, harness.numEventTimeTimers(), "timers left behind");
    }

    @Test
    void multipleParentsAreFoundWhenTheBucketCloses() throws Exception {
        send(call("id1", "10.0.0.1", "10.0.0.3", 1000, 1400),
                call("id2", "10.0.0.2", "10.0.0.3", 1050, 1400),
                call("id3", "10.0.0.3", "10.0.0.4", 1200, 1300));
        harness.processWatermark(buckets.closesAt(1) - 1);
        assertTrue(harness.extractOutputValues().isEmpty(), "nothing is final before the bucket closes");
        assertEquals(6, bufferedCalls(), "three calls, each buffered as a child and as a parent");
        harness.processWatermark(buckets.closesAt(1));
        for (EdgePiece piece : harness.extractOutputValues()) {
            assertEquals(buckets.closesAt(1), piece.getWrittenAtMs(), "how far job-match had got: the bucket's close");
            assertEquals(0, piece.getWriterSubtask());
            assertEquals(1, piece.getWriters());
        }
        Map<String, List<String>> answers = answers();
        assertEquals(List.of("id1", "id2"), answers.get("id3 CHILD"));
        assertEquals(List.of("id3"), answers.get("id1 PARENT"));
        assertEquals(List.of("id3"), answers.get("id2 PARENT"));
        assertEquals(List.of(), answers.get("id1 CHILD"));
        assertEquals(List.of(), answers.get("id3 PARENT"));
        assertNothingLeft();
    }

    @Test
    void everyCallGetsAllItsPiecesExactlyOnce() throws Exception {
        Call longParent = call("p", "10.0.0.1", "10.0.0.2", 500, 3500);
        Call child = call("c", "10.0.0.2", "10.0.0.3", 2500, 2600);
        send(longParent, child);
        harness.processWatermark(buckets.closesAt(10));
        List<EdgePiece> pieces = harness.extractOutputValues();
        long ofParent = pieces.stream().filter(p -> p.getCall().getId().equals("p")).count();
        assertEquals(buckets.pieces(longParent), ofParent);
        assertEquals(buckets.pieces(longParent), pieces.get(0).getPieces() == buckets.pieces(longParent) ? ofParent : -1);
        assertEquals(List.of("c"), answers().get("p PARENT"));
        assertEquals(List.of("p"), answers().get("c CHILD"));
        assertNothingLeft();
    }

    @Test
    void lateRecordIsFlaggedNotDropped() throws Exception {
        harness.processWatermark(buckets.closesAt(5));
        send(call("late", "10.0.0.1", "10.0.0.2", 1000, 1100));
        List<EdgePiece> pieces = harness.extractOutputValues();
        assertEquals(2, pieces.size(), "its child piece and its one parent piece");
        for (EdgePiece piece : pieces) {
            assertTrue(piece.getLate());
            assertEquals(List.of(), piece.getIds());
            assertEquals(buckets.closesAt(5), piece.getWrittenAtMs(), "a late piece carries the watermark it was written at");
        }
        assertNothingLeft();
    }

    @Test
    void aRecordBehindTheWatermarkButInsideAnOpenBucketIsStitchedFully() throws Exception {
        harness.processWatermark(5000);
        send(call("p", "10.0.0.1", "10.0.0.2", 1000, 1500), call("c", "10.0.0.2", "10.0.0.3", 1100, 1200));
        harness.processWatermark(buckets.closesAt(1));
        assertEquals(List.of("p"), answers().get("c CHILD"));
        for (EdgePiece piece : harness.extractOutputValues()) {
            assertTrue(!piece.getLate());
        }
        assertNothingLeft();
    }

    @Test
    void overMaxLatencyCallIsFlagged() throws Exception {
        Call tooLong = call("slow", "10.0.0.1", "10.0.0.2", 0, 25_000);
        Call child = call("c", "10.0.0.2", "10.0.0.3", 10_000, 11_000);
        send(tooLong, child);
        harness.processWatermark(Long.MAX_VALUE);
        for (EdgePiece piece : harness.extractOutputValues()) {
            assertEquals(piece.getCall().getId().equals("slow"), piece.getOverMaxLatency());
        }
        assertEquals(List.of("slow"), answers().get("c CHILD"), "a child in the last L ms of an over-long parent is still found");
        assertNothingLeft();
    }

    /** The CHILD piece of each call, by id. */
    private Map<String, EdgePiece> childPieces() {
        Map<String, EdgePiece> pieces = new TreeMap<>();
        for (EdgePiece piece : harness.extractOutputValues()) {
            if (piece.getRole() == Role.CHILD) {
                pieces.put(piece.getCall().getId(), piece);
            }
        }
        return pieces;
    }

    @Test
    void aChildsBestParentIsOneOfItsCandidatesAndARootHasNone() throws Exception {
        send(call("id1", "10.0.0.1", "10.0.0.3", 1000, 1400),
                call("id2", "10.0.0.2", "10.0.0.3", 1050, 1400),
                call("id3", "10.0.0.3", "10.0.0.4", 1200, 1300));
        harness.processWatermark(buckets.closesAt(1));
        Map<String, EdgePiece> pieces = childPieces();

        EdgePiece id3 = pieces.get("id3");
        assertTrue(id3.getIds().contains(id3.getBestParent()), "picked among the rule's parents: " + id3.getBestParent());
        assertTrue(id3.getBestParentConfidence() > 0.5 && id3.getBestParentConfidence() < 1, "two candidates: " + id3.getBestParentConfidence());
        assertEquals(null, pieces.get("id1").getBestParent());
        assertEquals(null, pieces.get("id1").getBestParentConfidence());
        for (EdgePiece piece : harness.extractOutputValues()) {
            if (piece.getRole() == Role.PARENT) {
                assertEquals(null, piece.getBestParent(), "only CHILD pieces carry a best parent");
            }
        }
        assertNothingLeft();
    }

    @Test
    void aCallerAMillisecondOffIsTheBestParentButNotARuleParent() throws Exception {
        harness.close();
        harness = new MatchOperators(buckets, new ModelSettings(600_000, 20_000, 1));
        harness.open();
        // the child's host stamps it 1 ms before its caller's clock says the call began
        send(call("p", "10.0.0.1", "10.0.0.2", 1100, 1400), call("c", "10.0.0.2", "10.0.0.3", 1099, 1300));
        harness.processWatermark(buckets.closesAt(1));

        EdgePiece child = childPieces().get("c");
        assertEquals(List.of(), child.getIds(), "the rule is exact: p does not contain c");
        assertEquals("p", child.getBestParent());
        assertEquals(List.of(), answers().get("p PARENT"));
        assertNothingLeft();
    }

    @Test
    void aCallerThatStartsInTheNextBucketByItsClockIsStillTheBestParent() throws Exception {
        Buckets withMargin = new Buckets(1000, 20_000, 0, 10);
        harness.close();
        harness = new MatchOperators(withMargin, new ModelSettings(600_000, 20_000, 5));
        harness.open();
        // the child's clock runs 5 ms ahead of its caller's: stamped at 1998, the caller at 2003, in bucket 2
        Call parent = call("p", "10.0.0.1", "10.0.0.2", 2003, 2400);
        send(withMargin, parent, call("c", "10.0.0.2", "10.0.0.3", 1998, 2300));
        harness.processWatermark(withMargin.closesAt(2));

        EdgePiece child = childPieces().get("c");
        assertEquals(List.of(), child.getIds(), "the rule is exact");
        assertEquals("p", child.getBestParent(), "p was copied into bucket 1 too, where c looks for its parents");
        List<EdgePiece> ofParent = harness.extractOutputValues().stream().filter(piece -> piece.getCall().getId().equals("p")).collect(Collectors.toList());
        assertEquals(3, ofParent.size(), "as child, in bucket 1 and in bucket 2");
        assertTrue(ofParent.stream().allMatch(piece -> piece.getPieces() == 3 && !piece.getLate()));
        assertNothingLeft();
    }

    @Test
    void theMarginsCopyIntoAClosedBucketMakesNoCallLate() throws Exception {
        Buckets withMargin = new Buckets(1000, 20_000, 0, 10);
        harness.close();
        harness = new MatchOperators(withMargin, MatchOptions.defaultCallers());
        harness.open();
        // behind the watermark, after bucket 1 closed but in time for bucket 2, where it is a parent by the rule
        harness.processWatermark(withMargin.closesAt(1));
        send(withMargin, call("p", "10.0.0.1", "10.0.0.2", 2003, 2400), call("c", "10.0.0.2", "10.0.0.3", 2100, 2300));
        harness.processWatermark(withMargin.closesAt(2));

        assertEquals(List.of("c"), answers().get("p PARENT"));
        assertEquals(List.of("p"), answers().get("c CHILD"));
        for (EdgePiece piece : harness.extractOutputValues()) {
            assertTrue(!piece.getLate(), "not late: " + piece);
        }
        assertNothingLeft();
    }

    @Test
    void withBestParentsOffOnlyTheRulesListsAreWritten() throws Exception {
        harness.close();
        harness = new MatchOperators(buckets, new ModelSettings(600_000, 20_000, ModelSettings.AUTO, false, false));
        harness.open();
        send(call("id1", "10.0.0.1", "10.0.0.3", 1000, 1400), call("id3", "10.0.0.3", "10.0.0.4", 1200, 1300),
                call("near", "10.0.0.2", "10.0.0.3", 1201, 1400));
        harness.processWatermark(buckets.closesAt(1));

        assertEquals(List.of("id1"), answers().get("id3 CHILD"), "a caller 1 ms off is no candidate without the model");
        for (EdgePiece piece : harness.extractOutputValues()) {
            assertEquals(null, piece.getBestParent());
            assertEquals(List.of(), piece.getBestChildren());
        }
        assertEquals(0, models().kinds(), "no model state");
        assertNothingLeft();
    }

    @Test
    void aLateChildHasNoBestParent() throws Exception {
        harness.processWatermark(buckets.closesAt(5));
        send(call("late", "10.0.0.1", "10.0.0.2", 1000, 1100));
        for (EdgePiece piece : harness.extractOutputValues()) {
            assertEquals(null, piece.getBestParent());
        }
        assertNothingLeft();
    }

    /** Every call's parents ("id CHILD") and children ("id PARENT"), by testing every pair against the rule. */
    private static Map<String, List<String>> allPairs(List<Call> calls) {
        Map<String, List<String>> expected = new TreeMap<>();
        for (Call c : calls) {
            expected.put(c.getId() + " CHILD", new ArrayList<>());
            expected.put(c.getId() + " PARENT", new ArrayList<>());
        }
        for (Call p : calls) {
            for (Call c : calls) {
                if (p.getDstIp().equals(c.getSrcIp()) && p.getStartAtMs() <= c.getStartAtMs() && p.getEndAtMs() >= c.getEndAtMs()
                        && !p.getId().equals(c.getId())) {
                    expected.get(c.getId() + " CHILD").add(p.getId());
                    expected.get(p.getId() + " PARENT").add(c.getId());
                }
            }
        }
        expected.values().forEach(ids -> ids.sort(null));
        return expected;
    }

    private Map<String, List<String>> sortedAnswers() {
        Map<String, List<String>> answers = answers();
        answers.values().forEach(ids -> ids.sort(null));
        return answers;
    }

    @Test
    void copiesOnBothSidesOfACheckpointAreEachMatchedOnceAfterARestore() throws Exception {
        List<Call> calls = Fixtures.randomCalls(new Random(11), "c", 400, 4, 6_000, 3_000);
        List<Call> beforeCheckpoint = calls.subList(0, 200);
        List<Call> afterCheckpoint = calls.subList(200, calls.size());
        send(beforeCheckpoint.toArray(new Call[0]));
        assertEquals(0, harness.match.numKeyedStateEntries(), "the copies wait on the heap until the checkpoint");
        MatchOperators.Snapshot snapshot = harness.snapshot(1, 1);
        send(afterCheckpoint.toArray(new Call[0]));

        // the job fails here: it restarts from the checkpoint and reads the records after it again
        harness.close();
        harness = new MatchOperators(buckets, MatchOptions.defaultCallers());
        harness.initializeState(snapshot);
        harness.open();
        assertTrue(harness.match.numKeyedStateEntries() > 0, "the copies before the checkpoint were written into it");
        send(afterCheckpoint.toArray(new Call[0]));
        harness.processWatermark(Long.MAX_VALUE);
        assertEquals(allPairs(calls), sortedAnswers());
        long pieces = calls.stream().mapToLong(buckets::pieces).sum();
        assertEquals(pieces, harness.extractOutputValues().size(), "every piece once");
        assertNothingLeft();
    }

    @Test
    void checkpointsBeforeAndAfterABucketClosesChangeNoAnswer() throws Exception {
        List<Call> calls = Fixtures.randomCalls(new Random(12), "c", 400, 4, 6_000, 3_000);
        // the last calls come after buckets 0 and 1 closed: only those whose every copy is in a later bucket
        List<Call> sent = new ArrayList<>(calls.subList(0, 300));
        calls.subList(300, 400).stream().filter(c -> buckets.childBucket(c) > 1).forEach(sent::add);
        send(sent.subList(0, 150).toArray(new Call[0]));
        harness.snapshot(1, 1);
        send(sent.subList(150, 300).toArray(new Call[0]));
        harness.processWatermark(buckets.closesAt(1));
        harness.snapshot(2, 2);
        send(sent.subList(300, sent.size()).toArray(new Call[0]));
        harness.processWatermark(Long.MAX_VALUE);
        assertEquals(allPairs(sent), sortedAnswers());
        assertNothingLeft();
    }

    @Test
    void theModelIsKeptInStateAndTakenBackOnRestore() throws Exception {
        Random random = new Random(4);
        for (int second = 0; second < 5; second++) {
            for (int r = 0; r < 10; r++) {
                long start = second * 1000L + random.nextInt(800);
                send(call("p" + second + "-" + r, "10.0.0.1", "10.0.0.2", start, start + 100),
                        call("c" + second + "-" + r, "10.0.0.2", "10.0.0.3", start + 1, start + 20));
            }
        }
        harness.processWatermark(buckets.closesAt(4));
        MatchOperators.Snapshot snapshot = harness.snapshot(1, 1);
        CallerModels before = models();
        assertTrue(before.kinds() > 0);

        harness.close();
        harness = new MatchOperators(buckets, MatchOptions.defaultCallers());
        harness.initializeState(snapshot);
        harness.open();
        assertArrayEquals(before.snapshot(), models().snapshot(), "the same model after the restore");
    }

    private CallerModels models() {
        return harness.models();
    }

    @Test
    void aCallLongerThanLPlusDIsOverMaxLatencyNotLate() throws Exception {
        long maxOutOfOrdernessMs = 30_000;
        Call veryLong = call("very-long", "10.0.0.1", "10.0.0.2", 0, 60_000);
        // it arrives on time: the watermark trails its end by D, and is past the close of the bucket of its start
        harness.processWatermark(veryLong.getEndAtMs() - maxOutOfOrdernessMs - 1);
        send(veryLong);
        harness.processWatermark(buckets.closesAt(buckets.lastParentBucket(veryLong)));
        List<EdgePiece> pieces = harness.extractOutputValues();
        assertEquals(buckets.pieces(veryLong), pieces.size());
        for (EdgePiece piece : pieces) {
            assertTrue(!piece.getLate(), piece.getRole() + " piece of bucket " + piece.getBucket() + " is not late");
            assertTrue(piece.getOverMaxLatency());
        }
        assertNothingLeft();
    }

    @Test
    void aLateOverMaxLatencyCallIsStillLate() throws Exception {
        Call veryLong = call("very-long", "10.0.0.1", "10.0.0.2", 0, 60_000);
        harness.processWatermark(buckets.closesAt(buckets.lastParentBucket(veryLong)));
        send(veryLong);
        for (EdgePiece piece : harness.extractOutputValues()) {
            assertTrue(piece.getLate());
        }
        assertNothingLeft();
    }

    @Test
    void aRestoreWithOtherTimeSettingsIsRefusedInOneLine() throws Exception {
        send(call("p", "10.0.0.1", "10.0.0.2", 1000, 1500));
        MatchOperators.Snapshot snapshot = harness.snapshot(1, 1);
        harness.close();
        harness = new MatchOperators(new Buckets(2000, 20_000), MatchOptions.defaultCallers());
        Exception refused = org.junit.jupiter.api.Assertions.assertThrows(Exception.class, () -> harness.initializeState(snapshot));
        harness.close();
        Throwable cause = refused;
        while (!(cause instanceof IllegalStateException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        assertEquals("job-match: the restored state was written with --bucket-ms 1000 --max-latency-ms 20000 --skew-margin-ms 0, this run has"
                + " --bucket-ms 2000 --max-latency-ms 20000 --skew-margin-ms 0; resume with the settings of the state, or start without it"
                + " (docs/reliability.md)", cause.getMessage());

        // another skew margin copies the calls in flight into other buckets: refused as well
        harness = new MatchOperators(new Buckets(1000, 20_000, 0, 53), MatchOptions.defaultCallers());
        Exception otherMargin = org.junit.jupiter.api.Assertions.assertThrows(Exception.class, () -> harness.initializeState(snapshot));
        harness.close();
        cause = otherMargin;
        while (!(cause instanceof IllegalStateException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        assertTrue(cause.getMessage().contains("--skew-margin-ms 0, this run has --bucket-ms 1000 --max-latency-ms 20000 --skew-margin-ms 53"),
                cause.getMessage());

        harness = new MatchOperators(buckets, MatchOptions.defaultCallers());
        harness.initializeState(snapshot);
        harness.open();
        harness.processWatermark(buckets.closesAt(1));
        assertEquals(2, harness.extractOutputValues().size(), "with the same settings the call in flight is written");
    }

    private void openWithGrace(Buckets withGrace) throws Exception {
        harness.close();
        harness = new MatchOperators(withGrace, MatchOptions.defaultCallers());
        harness.open();
    }

    /** "id role ids" of each piece, amendments marked. */
    private List<String> pieceTexts() {
        List<String> texts = new ArrayList<>();
        for (EdgePiece piece : harness.extractOutputValues()) {
            texts.add(piece.getCall().getId() + " " + piece.getRole() + " " + piece.getIds() + (piece.getAmends() ? " amends" : "")
                    + (piece.getLate() ? " late" : ""));
        }
        texts.sort(null);
        return texts;
    }

    @Test
    void aCallLateWithinTheGraceIsMatchedExactlyAndItsPartnerIsAmended() throws Exception {
        Buckets withGrace = new Buckets(1000, 20_000, 10_000);
        openWithGrace(withGrace);
        send(call("p", "10.0.0.1", "10.0.0.2", 1000, 1500));
        harness.processWatermark(withGrace.closesAt(1));
        assertEquals(List.of("p CHILD []", "p PARENT []"), pieceTexts(), "p written when its bucket closed");

        harness.processWatermark(withGrace.forgetsAt(1) - 1);
        send(call("c", "10.0.0.2", "10.0.0.3", 1100, 1200));
        assertEquals(List.of("c CHILD [p]", "c PARENT []", "p CHILD []", "p PARENT []", "p PARENT [c] amends"), pieceTexts());

        harness.processWatermark(withGrace.forgetsAt(1));
        assertNothingLeft();
    }

    @Test
    void aBucketRestoredInItsGraceIsStillMatchedAndThenForgotten() throws Exception {
        Buckets withGrace = new Buckets(1000, 20_000, 10_000);
        openWithGrace(withGrace);
        send(call("p", "10.0.0.1", "10.0.0.2", 1000, 1500), call("q", "10.0.0.1", "10.0.0.2", 1000, 1600));
        harness.processWatermark(withGrace.closesAt(1));
        MatchOperators.Snapshot inGrace = harness.snapshot(1, 1);
        harness.close();
        harness = new MatchOperators(withGrace, MatchOptions.defaultCallers());
        harness.initializeState(inGrace);
        harness.open();
        assertEquals(4, bufferedCalls(), "p and q, each as a child and as a parent");
        // the restored job's event time is back where it was once the first watermark mark is read
        harness.processWatermark(withGrace.closesAt(1));
        send(call("c", "10.0.0.2", "10.0.0.3", 1100, 1200));
        assertEquals(List.of("c CHILD [p, q]", "c PARENT []", "p PARENT [c] amends", "q PARENT [c] amends"), pieceTexts());
        harness.processWatermark(withGrace.forgetsAt(1));
        assertNothingLeft();
    }

    @Test
    void aCallLaterThanTheGraceIsLate() throws Exception {
        Buckets withGrace = new Buckets(1000, 20_000, 10_000);
        openWithGrace(withGrace);
        send(call("p", "10.0.0.1", "10.0.0.2", 1000, 1500));
        harness.processWatermark(withGrace.forgetsAt(1));
        send(call("c", "10.0.0.2", "10.0.0.3", 1100, 1200));
        assertEquals(List.of("c CHILD [] late", "c PARENT [] late", "p CHILD []", "p PARENT []"), pieceTexts());
        assertNothingLeft();
    }
}
