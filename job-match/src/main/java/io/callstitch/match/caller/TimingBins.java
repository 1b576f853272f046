package io.callstitch.match.caller;

import java.util.Arrays;

/**
 * Signed, log-spaced bins of a gap in milliseconds (a child's start after its parent's start, or its end
 * before its parent's end): one bin per ms from -4 to 4, then two bins per octave out to about 16 s on
 * either side; every longer gap shares the outermost bin. The gaps of real callers cluster at a few
 * ms (a service calls on almost at once, and answers right after its last child), so the near bins are
 * exact and the far ones coarse.
 */
final class TimingBins {
    /** Bins on each side beyond zero: 4 exact, then two per octave. */
    static final int SIDE = 29;
    /** All bins: -SIDE..SIDE. */
    static final int COUNT = 2 * SIDE + 1;

    /** upper[j]: the largest gap of bin j on the positive side (bin j holds (upper[j-1], upper[j]]). */
    private static final long[] UPPER = new long[SIDE + 1];
    private static final double[] WIDTH = new double[COUNT];
    /** The side of every gap below UPPER[SIDE - 1]: a look-up instead of a search, once per candidate. */
    private static final byte[] SIDE_OF;

    static {
        for (int j = 0; j <= SIDE; j++) {
            UPPER[j] = j <= 4 ? j : (long) Math.floor(4 * Math.pow(2, (j - 4) / 2.0));
        }
        for (int j = 0; j <= SIDE; j++) {
            // the outermost bin also holds every longer gap: it is weighed as one more half-octave
            double width = j == 0 ? 1 : UPPER[j] - UPPER[j - 1];
            WIDTH[SIDE + j] = width;
            WIDTH[SIDE - j] = width;
        }
        SIDE_OF = new byte[(int) UPPER[SIDE - 1] + 1];
        int side = 0;
        for (int gap = 0; gap < SIDE_OF.length; gap++) {
            while (gap > UPPER[side]) {
                side++;
            }
            SIDE_OF[gap] = (byte) side;
        }
    }

    private TimingBins() {}

    /** The bin of a gap, 0..COUNT-1. */
    static int of(long gapMs) {
        long magnitude = gapMs == Long.MIN_VALUE ? Long.MAX_VALUE : Math.abs(gapMs);
        int side;
        if (magnitude < SIDE_OF.length) {
            side = SIDE_OF[(int) magnitude];
        } else if (magnitude >= UPPER[SIDE]) {
            side = SIDE;
        } else {
            int found = Arrays.binarySearch(UPPER, magnitude);
            // not found: the insertion point is the first upper bound above the gap
            side = found >= 0 ? found : -found - 1;
        }
        return gapMs < 0 ? SIDE - side : SIDE + side;
    }

    /** How many whole milliseconds the bin holds. */
    static double width(int bin) {
        return WIDTH[bin];
    }

    /** The bin's middle gap in ms, for priors. */
    static double middle(int bin) {
        int side = Math.abs(bin - SIDE);
        double mid = side == 0 ? 0 : (UPPER[side - 1] + 1 + UPPER[side]) / 2.0;
        return bin < SIDE ? -mid : mid;
    }
}
