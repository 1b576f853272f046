package io.callstitch.match;

import static io.callstitch.match.Fixtures.call;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import io.callstitch.common.EdgeRule.Buckets;
import io.callstitch.reference.BruteForce;
import io.callstitch.schema.Call;
import org.junit.jupiter.api.Test;

class BucketsTest {
    private final Buckets buckets = new Buckets(1000, 20_000);

    @Test
    void everyEdgeIsInExactlyOneBucketTheParentIsCopiedTo() {
        Random random = new Random(11);
        List<Call> calls = Fixtures.randomCalls(random, "c", 400, 1, 60_000, 20_000);
        int edges = 0;
        for (Call p : calls) {
            for (Call c : calls) {
                if (BruteForce.containsInTime(p, c)) {
                    long b = buckets.childBucket(c);
                    assertTrue(b >= buckets.firstParentBucket(p) && b <= buckets.lastParentBucket(p));
                    edges++;
                }
            }
        }
        assertTrue(edges > 1000, "the data must contain edges to test anything: " + edges);
    }

    @Test
    void everyCopyEndsBeforeItsBucketCloses() {
        Random random = new Random(12);
        for (Call call : Fixtures.randomCalls(random, "c", 2000, 1, 100_000, 60_000)) {
            assertTrue(call.getEndAtMs() <= buckets.closesAt(buckets.childBucket(call)) || buckets.isOverMaxLatency(call));
            for (long b = buckets.firstParentBucket(call); b <= buckets.lastParentBucket(call); b++) {
                assertTrue(call.getEndAtMs() <= buckets.closesAt(b), "copy of " + call + " in bucket " + b);
            }
        }
    }

    @Test
    void aCallOfHoursIsCopiedOnlyIntoTheBucketsOfItsLastMaxLatency() {
        Call hours = call("long", "a", "b", 0, 3 * 3_600_000L);
        assertEquals(22, buckets.pieces(hours), "1 as child + 21 buckets as parent");
        assertEquals((3 * 3_600_000L - 20_000) / 1000, buckets.firstParentBucket(hours));
    }

    @Test
    void piecesCountTheChildCopyAndEachParentBucket() {
        assertEquals(2, buckets.pieces(call("a", "x", "y", 1000, 1500)));
        assertEquals(3, buckets.pieces(call("b", "x", "y", 1900, 2100)));
        assertEquals(3, buckets.pieces(call("c", "x", "y", 1000, 2000)), "an end on the boundary belongs to the next bucket");
    }

    private final Buckets withMargin = new Buckets(1000, 20_000, 0, 53);

    @Test
    void aParentStartingWithinTheMarginIsCopiedIntoTheBucketBeforeToo() {
        assertEquals(1, withMargin.firstCopyBucket(call("near", "x", "y", 2052, 2100)), "52 ms into bucket 2");
        assertEquals(2, withMargin.firstParentBucket(call("near", "x", "y", 2052, 2100)), "counted where the rule finds its children");
        assertEquals(3, withMargin.pieces(call("near", "x", "y", 2052, 2100)));
        assertEquals(2, withMargin.firstCopyBucket(call("far", "x", "y", 2053, 2100)), "53 ms in: no copy before");
        assertEquals(2, withMargin.pieces(call("far", "x", "y", 2053, 2100)));
        // bucket 1 closes at 1999 + L: a call ending after it would be late there, so it is not copied
        assertEquals(2, withMargin.firstCopyBucket(call("long", "x", "y", 2010, 2010 + 20_000)));
        assertEquals(1, withMargin.firstCopyBucket(call("just", "x", "y", 2010, 1999 + 20_000)));
        Call hours = call("hours", "a", "b", 0, 3 * 3_600_000L);
        assertEquals(withMargin.firstParentBucket(hours), withMargin.firstCopyBucket(hours), "a call over L never");
    }

    @Test
    void withAMarginEveryEdgeIsStillInExactlyOneBucketAndEveryCopyOnTime() {
        Random random = new Random(13);
        List<Call> calls = Fixtures.randomCalls(random, "c", 2000, 1, 100_000, 20_000);
        int copiesBefore = 0;
        for (Call call : calls) {
            for (long b = withMargin.firstCopyBucket(call); b <= withMargin.lastParentBucket(call); b++) {
                assertTrue(call.getEndAtMs() <= withMargin.closesAt(b), "copy of " + call + " in bucket " + b);
            }
            copiesBefore += withMargin.firstCopyBucket(call) < withMargin.firstParentBucket(call) ? 1 : 0;
        }
        assertTrue(copiesBefore > 0, "the data must hold calls near a bucket's start");
        for (Call p : calls.subList(0, 400)) {
            for (Call c : calls.subList(0, 400)) {
                long b = withMargin.childBucket(c);
                boolean copied = b >= withMargin.firstCopyBucket(p) && b <= withMargin.lastParentBucket(p);
                if (BruteForce.containsInTime(p, c)) {
                    assertTrue(copied && b >= withMargin.firstParentBucket(p), "the edge is met where the rule looks for it");
                }
            }
        }
    }
}
