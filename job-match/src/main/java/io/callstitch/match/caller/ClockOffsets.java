package io.callstitch.match.caller;

import java.util.Arrays;

/**
 * The clock offset between a caller's host and a callee's host, from timing alone. A true parent p of
 * child c, with the child's clock ahead of the parent's by d, satisfies
 * {@code p.start <= c.start - d} and {@code c.end - d <= p.end}: every offset d in
 * {@code [c.end - p.end, c.start - p.start]} is allowed by that pair. Counting, over many nearby pairs of
 * one caller edge, how many pairs allow each d within +-{@link #MAX_MS} gives a smooth background from
 * coincidental pairs and a peak at the true offset, where every true pair votes. The estimate is the
 * centre of the peak's top (the votes at least median + {@link #TOP} x (max - median)), or 0 when 0 is on
 * it or the peak does not stand out of the background.
 */
public final class ClockOffsets {
    /** Offsets looked for, either way (ms). */
    public static final int MAX_MS = 50;
    /** Votes per offset: -MAX_MS..MAX_MS. */
    static final int SLOTS = 2 * MAX_MS + 1;
    /** Children that voted needed before an offset other than 0 is believed. */
    static final double MIN_VOTERS = 30;
    /**
     * The share of the rise above the background that counts as the top. Tight: a true pair also allows
     * every offset down to its end gap and up to its start gap, so the votes fall off slowly on the side of
     * the longer gap, and a loose top would drift that way.
     */
    static final double TOP = 0.95;
    /** The share of the rise that 0 must stay below for an offset to be believed. */
    static final double PLATEAU = 0.8;

    private ClockOffsets() {}

    /** Adds one pair's vote: every offset it allows. */
    static void vote(double[] votes, long childStart, long childEnd, long parentStart, long parentEnd, double weight) {
        long from = Math.max(-MAX_MS, childEnd - parentEnd);
        long to = Math.min(MAX_MS, childStart - parentStart);
        for (long d = from; d <= to; d++) {
            votes[(int) d + MAX_MS] += weight;
        }
    }

    /**
     * The offset the votes show, in ms (the child's clock minus the parent's).
     *
     * @param voters how many children voted (each with all its nearby pairs of this edge), in the votes' units
     */
    static int estimate(double[] votes, double voters) {
        if (voters < MIN_VOTERS) {
            return 0;
        }
        double[] sorted = votes.clone();
        Arrays.sort(sorted);
        double median = sorted[SLOTS / 2];
        double max = sorted[SLOTS - 1];
        // each child whose true parent comes over this edge votes for the true offset once: the peak must
        // hold a good share of the voters above what chance gives
        if (max - median < 0.3 * voters) {
            return 0;
        }
        // clocks in step unless 0 is well off the peak: on the design's wider plateau (0.8 of the rise),
        // 0 means no offset; small offsets are the tolerance's to absorb
        if (votes[MAX_MS] >= median + PLATEAU * (max - median)) {
            return 0;
        }
        double level = median + TOP * (max - median);
        int peak = 0;
        for (int slot = 1; slot < SLOTS; slot++) {
            if (votes[slot] > votes[peak]) {
                peak = slot;
            }
        }
        int low = peak;
        while (low > 0 && votes[low - 1] >= level) {
            low--;
        }
        int high = peak;
        while (high < SLOTS - 1 && votes[high + 1] >= level) {
            high++;
        }
        int offset = Math.floorDiv(low + high, 2) - MAX_MS;
        return Math.abs(offset) <= ModelSettings.MAX_AUTO_TOLERANCE_MS ? 0 : offset;
    }
}
