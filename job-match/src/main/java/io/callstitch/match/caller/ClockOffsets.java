package io.callstitch.match.caller;

/**
 * The clock offset between a caller's host and a callee's host, from timing alone. A true parent p of
 * child c, with the child's clock ahead of the parent's by d, satisfies
 * {@code p.start <= c.start - d} and {@code c.end - d <= p.end}: every offset d in
 * {@code [c.end - p.end, c.start - p.start]} is allowed by that pair. Counting, over many nearby pairs of
 * one caller edge, how many pairs allow each d within +-{@link #MAX_MS} gives a smooth background from
 * coincidental pairs and a peak at the true offset, where every true pair votes. The estimate is the
 * centre of the peak's top (the votes within (1 - {@link #TOP}) of the rise, or within the background's
 * noise, of the max), or 0 when 0 is on it, when the peak does not stand out of the background's noise, or
 * when it is under {@link #MIN_MS}. An estimate in use is kept while it is still on the top.
 */
public final class ClockOffsets {
    /** Offsets looked for, either way (ms). */
    public static final int MAX_MS = 50;
    /**
     * The smallest offset believed (ms, either way). Below it the tolerance absorbs most of the miss, and a
     * peak a few ms off 0 is as often traffic in lockstep (parents fanning out within a ms) as a real skew.
     */
    static final int MIN_MS = 2 * ModelSettings.MAX_AUTO_TOLERANCE_MS;
    /** Votes per offset: -MAX_MS..MAX_MS. */
    static final int SLOTS = 2 * MAX_MS + 1;
    /** Children that voted needed before an offset other than 0 is believed. */
    static final double MIN_VOTERS = 12;
    /**
     * The share of the rise above the background that counts as the top. Tight: a true pair also allows
     * every offset down to its end gap and up to its start gap, so the votes fall off slowly on the side of
     * the longer gap, and a loose top would drift that way.
     */
    static final double TOP = 0.95;
    /** How many of the background's standard deviations below the max the top reaches at least. */
    static final double TOP_SIGMAS = 2;
    /** The rise of the peak above the background needed, in children's votes, before an offset is believed. */
    static final double MIN_RISE = 6;
    /**
     * And in standard deviations of the background: a slot's coincidental votes are counts, so their noise
     * grows as the square root of the background.
     */
    static final double MIN_RISE_SIGMAS = 4;

    private ClockOffsets() {}

    /**
     * Adds one pair's vote to a difference array of {@code SLOTS + 1} counts (+1 where its offsets begin,
     * -1 after they end): a pair costs two additions, not one per offset, and {@link #addCounted} adds
     * them up once per bucket. A pair that allows every offset in the window does not vote: it tells no
     * offset from another, and its votes would only raise the background the peak is measured against
     * (the background's noise is taken as the square root of its level). That is most pairs of a busy
     * host with long calls in: a child well inside a call that started and ends far from it. The child
     * still counts among the voters of the caller (the voters say how much evidence was seen, not how
     * much of it was sharp).
     */
    static void voteInto(int[] difference, long childStart, long childEnd, long parentStart, long parentEnd) {
        if (childEnd - parentEnd <= -MAX_MS && childStart - parentStart >= MAX_MS) {
            return;
        }
        long from = Math.max(-MAX_MS, childEnd - parentEnd);
        long to = Math.min(MAX_MS, childStart - parentStart);
        if (from <= to) {
            difference[(int) from + MAX_MS]++;
            difference[(int) to + MAX_MS + 1]--;
        }
    }

    /** Adds the votes of a difference array filled by {@link #voteInto}, each counting {@code weight}. */
    static void addCounted(double[] votes, int[] difference, double weight) {
        int running = 0;
        for (int slot = 0; slot < SLOTS; slot++) {
            running += difference[slot];
            if (running != 0) {
                votes[slot] += running * weight;
            }
        }
    }

    /** The k-th smallest value (0-based) of {@code values}, which it reorders (quickselect, Hoare's partition). */
    static double kthSmallest(double[] values, int k) {
        int low = 0;
        int high = values.length - 1;
        while (low < high) {
            double pivot = values[(low + high) >>> 1];
            int i = low;
            int j = high;
            while (i <= j) {
                while (values[i] < pivot) {
                    i++;
                }
                while (values[j] > pivot) {
                    j--;
                }
                if (i <= j) {
                    double swap = values[i];
                    values[i] = values[j];
                    values[j] = swap;
                    i++;
                    j--;
                }
            }
            if (k <= j) {
                high = j;
            } else if (k >= i) {
                low = i;
            } else {
                return values[k];
            }
        }
        return values[k];
    }

    /**
     * The offset the votes show, in ms (the child's clock minus the parent's).
     *
     * @param voters how many children voted (each with all its nearby pairs of this edge), in the votes' units
     * @param current the estimate in use: kept while it is still on the top, so an estimate does not flip
     *     between neighbouring ms as votes come in (every flip would unlearn the caller)
     */
    static int estimate(double[] votes, double voters, int current) {
        if (voters < MIN_VOTERS) {
            return 0;
        }
        // the median and the max, as a sort would give them, without sorting: this runs for every believed
        // caller of a host at every bucket it closes
        double median = kthSmallest(votes.clone(), SLOTS / 2);
        double max = votes[0];
        for (double vote : votes) {
            max = Math.max(max, vote);
        }
        // each child whose true parent comes over this edge votes for the true offset once: the peak must
        // stand out of the background's noise. Not a share of the voters: a host with many callers has
        // many voters per caller that only ever saw coincidences
        double rise = max - median;
        if (rise < MIN_RISE || rise < MIN_RISE_SIGMAS * Math.sqrt(Math.max(median, 1))) {
            return 0;
        }
        // the top: the votes within (1 - TOP) of the rise of the max, or within the background's noise of it
        // if that is wider; clocks in step when 0 is on it, small offsets are the tolerance's to absorb
        double level = max - Math.max((1 - TOP) * rise, TOP_SIGMAS * Math.sqrt(Math.max(median, 1)));
        if (votes[MAX_MS] >= level) {
            return 0;
        }
        if (current != 0 && Math.abs(current) <= MAX_MS && votes[current + MAX_MS] >= level) {
            return current;
        }
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
        // a top on the window's edge is a slope, the background's shape (a busy caller's long calls), not a
        // clock: a true offset, however near the edge, has its top inside, where every true pair votes
        if (low == 0 || high == SLOTS - 1) {
            return 0;
        }
        int offset = Math.floorDiv(low + high, 2) - MAX_MS;
        return Math.abs(offset) < MIN_MS ? 0 : offset;
    }
}
