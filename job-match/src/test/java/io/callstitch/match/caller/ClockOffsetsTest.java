package io.callstitch.match.caller;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class ClockOffsetsTest {
    /**
     * Pairs of one caller edge: each child has its true parent, its clock {@code offset} ms ahead, and a few
     * coincidental nearby calls.
     */
    private static double[] votes(int offset, int children, Random random) {
        return votes(offset, children, random, new long[children][]);
    }

    /** The same, also filling {@code trueRanges} with the offsets each true pair allows. */
    private static double[] votes(int offset, int children, Random random, long[][] trueRanges) {
        double[] votes = new double[ClockOffsets.SLOTS];
        for (int i = 0; i < children; i++) {
            long start = random.nextInt(100_000);
            long latency = 20 + random.nextInt(200);
            long childStart = start + 1 + random.nextInt(5);
            long childEnd = childStart + random.nextInt((int) latency - 10);
            vote(votes, childStart + offset, childEnd + offset, start, start + latency, 1);
            trueRanges[i] = new long[] {childEnd + offset - (start + latency), childStart + offset - start};
            for (int k = 0; k < 5; k++) {
                long other = childStart - random.nextInt(300);
                vote(votes, childStart + offset, childEnd + offset, other, other + random.nextInt(400), 1);
            }
        }
        return votes;
    }

    @Test
    void findsAnOffsetEveryTruePairAllowsForAHostWhoseClockRunsApart() {
        for (int offset : new int[] {20, -13, 45}) {
            long[][] ranges = new long[1000][];
            int estimate = ClockOffsets.estimate(votes(offset, 1000, new Random(offset + 100), ranges), 1000, 0);
            int allowing = 0;
            for (long[] range : ranges) {
                allowing += range[0] <= estimate && estimate <= range[1] ? 1 : 0;
            }
            assertTrue(allowing >= 990, "offset " + offset + ": the estimate " + estimate + " is allowed by " + allowing + " of 1000 true pairs");
            assertTrue(Math.abs(estimate - offset) <= 10, "offset " + offset + ", estimate " + estimate);
        }
    }

    /**
     * A client that makes a request every 20 s sends a host only a few children a minute, and near them no
     * coincidental calls: a dozen true pairs alone, with no background, stand out of it.
     */
    @Test
    void aQuietCallersOffsetIsFoundFromADozenChildren() {
        Random random = new Random(7);
        double[] votes = new double[ClockOffsets.SLOTS];
        for (int i = 0; i < 12; i++) {
            long start = random.nextInt(100_000);
            long end = start + 150 + random.nextInt(50);
            // a forwarded call: the child takes nearly all of its parent, a few ms in from either end
            vote(votes, start + 1 + random.nextInt(5) + 20, end - 1 - random.nextInt(5) + 20, start, end, 1);
        }
        int estimate = ClockOffsets.estimate(votes, 12, 0);
        assertTrue(estimate >= 18 && estimate <= 22, "a 20 ms offset from 12 children, estimated " + estimate);
        assertEquals(0, ClockOffsets.estimate(votes, 11, 0), "under 12 children nothing is believed");
    }

    @Test
    void clocksInStepGiveZero() {
        assertEquals(0, ClockOffsets.estimate(votes(0, 1000, new Random(3)), 1000, 0));
    }

    /**
     * The plain reading of one pair's vote: one added to every offset it allows, within the window; none
     * when it allows every offset of the window.
     */
    private static void vote(double[] votes, long childStart, long childEnd, long parentStart, long parentEnd, double weight) {
        if (childEnd - parentEnd <= -ClockOffsets.MAX_MS && childStart - parentStart >= ClockOffsets.MAX_MS) {
            return;
        }
        for (long d = childEnd - parentEnd; d <= childStart - parentStart; d++) {
            if (Math.abs(d) <= ClockOffsets.MAX_MS) {
                votes[(int) d + ClockOffsets.MAX_MS] += weight;
            }
        }
    }

    /** A child's vote with a call of the caller that happens to be near it: started up to 300 ms before, up to 400 ms long. */
    private static void voteByChance(double[] votes, Random random, long childStart, long childEnd) {
        long other = childStart - random.nextInt(300);
        vote(votes, childStart, childEnd, other, other + random.nextInt(400), 1);
    }

    /** 20 children, each with five coincidental calls near it: the true peak does not stand out of that background. */
    @Test
    void fewPairsAmidCoincidencesGiveZero() {
        assertEquals(0, ClockOffsets.estimate(votes(20, 20, new Random(4)), 20, 0));
    }

    @Test
    void onlyChanceGivesZero() {
        Random random = new Random(5);
        double[] votes = new double[ClockOffsets.SLOTS];
        for (int i = 0; i < 1000; i++) {
            long childStart = random.nextInt(100_000);
            voteByChance(votes, random, childStart, childStart + random.nextInt(50));
        }
        assertEquals(0, ClockOffsets.estimate(votes, 1000, 0));
    }

    @Test
    void aCallerIsFoundThoughMostChildrenThatVotedForItOnlyMetItsCallsByChance() {
        // a host with many callers: every child meets calls of this caller nearby, an eighth came from it
        Random random = new Random(6);
        double[] votes = new double[ClockOffsets.SLOTS];
        for (int i = 0; i < 1000; i++) {
            long start = random.nextInt(100_000);
            long latency = 20 + random.nextInt(200);
            long childStart = start + 1 + random.nextInt(5);
            long childEnd = childStart + random.nextInt((int) latency - 10);
            if (i % 8 == 0) {
                vote(votes, childStart - 25, childEnd - 25, start, start + latency, 1);
            } else {
                voteByChance(votes, random, childStart, childEnd);
            }
        }
        // under the old rule (the peak to hold 30% of the voters above the background) this was 0
        int estimate = ClockOffsets.estimate(votes, 1000, 0);
        assertTrue(Math.abs(estimate + 25) <= 10, "estimate " + estimate);
    }

    @Test
    void anOffsetWithinTwiceTheWidestToleranceIsLeftToTheTolerance() {
        assertEquals(0, ClockOffsets.estimate(votes(ClockOffsets.MIN_MS - 1, 1000, new Random(7)), 1000, 0));
        assertTrue(ClockOffsets.estimate(votes(ClockOffsets.MIN_MS + 4, 1000, new Random(7)), 1000, 0) != 0);
    }

    @Test
    void anEstimateInUseIsKeptWhileItIsOnTheTopAndLeftWhenItIsNot() {
        // a flat top from 18 to 22 over a low background
        double[] votes = new double[ClockOffsets.SLOTS];
        for (int slot = 0; slot < votes.length; slot++) {
            int offset = slot - ClockOffsets.MAX_MS;
            votes[slot] = offset >= 18 && offset <= 22 ? 500 : 20;
        }
        assertEquals(20, ClockOffsets.estimate(votes, 600, 0));
        assertEquals(18, ClockOffsets.estimate(votes, 600, 18));
        assertEquals(22, ClockOffsets.estimate(votes, 600, 22));
        assertEquals(20, ClockOffsets.estimate(votes, 600, 30));
        assertEquals(20, ClockOffsets.estimate(votes, 600, -20));
    }

    @Test
    void aSlopeWhoseTopIsTheWindowsEdgeIsNoOffset() {
        // a busy caller's long calls: more pairs allow each ms further back, with no peak anywhere
        double[] votes = new double[ClockOffsets.SLOTS];
        for (int slot = 0; slot < votes.length; slot++) {
            votes[slot] = 2700 - 7 * slot;
        }
        assertEquals(0, ClockOffsets.estimate(votes, 3000, 0));
        // the same slope with a true peak on it is found
        for (int slot = 10; slot <= 13; slot++) {
            votes[slot] += 1500;
        }
        assertTrue(Math.abs(ClockOffsets.estimate(votes, 3000, 0) - (11 - ClockOffsets.MAX_MS)) <= 1);
    }

    /**
     * A busy host with long calls in: each true pair is joined by coincidental calls that started long
     * before the child and end long after it. Those allow every offset of the window, tell none from
     * another, and cast no vote, so they do not raise the background the peak must stand out of: 40
     * children find the offset where, had they voted, the background's noise would hide it.
     */
    @Test
    void pairsThatAllowEveryOffsetDoNotHideTheTrueOne() {
        Random random = new Random(10);
        int[] difference = new int[ClockOffsets.SLOTS + 1];
        double[] counted = new double[ClockOffsets.SLOTS];
        for (int i = 0; i < 40; i++) {
            long start = random.nextInt(100_000);
            long childStart = start + 1 + random.nextInt(3);
            long childEnd = childStart + 5 + random.nextInt(10);
            // the true caller: the child starts and ends a few ms inside it, 20 ms ahead by its clock
            ClockOffsets.voteInto(difference, childStart + 20, childEnd + 20, start, childEnd + 2 + random.nextInt(3));
            for (int k = 0; k < 30; k++) {
                long other = childStart - 60 - random.nextInt(1000);
                int[] before = difference.clone();
                ClockOffsets.voteInto(difference, childStart + 20, childEnd + 20, other, childEnd + 100 + random.nextInt(1000));
                assertArrayEquals(before, difference, "a pair that allows every offset casts no vote");
                // what they would have added: one vote for every offset
                for (int slot = 0; slot < ClockOffsets.SLOTS; slot++) {
                    counted[slot]++;
                }
            }
        }
        double[] votes = new double[ClockOffsets.SLOTS];
        ClockOffsets.addCounted(votes, difference, 1);
        int estimate = ClockOffsets.estimate(votes, 40, 0);
        assertTrue(estimate >= 15 && estimate <= 25, "a 20 ms offset, estimated " + estimate);
        for (int slot = 0; slot < ClockOffsets.SLOTS; slot++) {
            counted[slot] += votes[slot];
        }
        assertEquals(0, ClockOffsets.estimate(counted, 40, 0), "counted, they would hide it");
    }

    @Test
    void aBucketsVotesAddedUpAtOnceAreTheVotesOfEachPair() {
        Random random = new Random(9);
        double[] each = new double[ClockOffsets.SLOTS];
        int[] difference = new int[ClockOffsets.SLOTS + 1];
        for (int i = 0; i < 2000; i++) {
            long parentStart = random.nextInt(10_000);
            long parentEnd = parentStart + random.nextInt(300);
            long childStart = parentStart - 60 + random.nextInt(200);
            long childEnd = childStart + random.nextInt(250);
            vote(each, childStart, childEnd, parentStart, parentEnd, 0.5);
            ClockOffsets.voteInto(difference, childStart, childEnd, parentStart, parentEnd);
        }
        double[] together = new double[ClockOffsets.SLOTS];
        ClockOffsets.addCounted(together, difference, 0.5);
        assertArrayEquals(each, together);
    }

    @Test
    void theMedianAndMaxWithoutASortAreThoseOfASort() {
        Random random = new Random(5);
        for (int round = 0; round < 2_000; round++) {
            double[] votes = new double[ClockOffsets.SLOTS];
            // few distinct values, as counts of votes are: ties everywhere
            int distinct = 1 + random.nextInt(round % 3 == 0 ? 3 : 60);
            for (int slot = 0; slot < votes.length; slot++) {
                votes[slot] = random.nextInt(distinct) * 0.75;
            }
            double[] sorted = votes.clone();
            java.util.Arrays.sort(sorted);
            for (int k : new int[] {0, ClockOffsets.SLOTS / 2, ClockOffsets.SLOTS - 1, random.nextInt(ClockOffsets.SLOTS)}) {
                assertEquals(sorted[k], ClockOffsets.kthSmallest(votes.clone(), k), "k " + k + " of " + java.util.Arrays.toString(votes));
            }
        }
    }
}
