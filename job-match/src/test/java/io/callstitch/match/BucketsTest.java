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

}
