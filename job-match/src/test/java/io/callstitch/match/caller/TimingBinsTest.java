package io.callstitch.match.caller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TimingBinsTest {
    @Test
    void nearGapsHaveAMillisecondEach() {
        for (long gap = -4; gap <= 4; gap++) {
            assertEquals(TimingBins.SIDE + gap, TimingBins.of(gap));
            assertEquals(1.0, TimingBins.width(TimingBins.of(gap)));
        }
    }

    @Test
    void binsGrowWithTheGapAndMirrorBelowZero() {
        int previous = TimingBins.of(0);
        for (long gap = 1; gap < 100_000; gap++) {
            int bin = TimingBins.of(gap);
            assertTrue(bin == previous || bin == previous + 1, "gap " + gap);
            assertEquals(2 * TimingBins.SIDE - bin, TimingBins.of(-gap), "gap " + gap);
            previous = bin;
        }
        assertEquals(TimingBins.COUNT - 1, TimingBins.of(Long.MAX_VALUE));
        assertEquals(0, TimingBins.of(Long.MIN_VALUE));
    }

    @Test
    void widthsCountTheMillisecondsOfEachBin() {
        int[] seen = new int[TimingBins.COUNT];
        long last = 0;
        for (long gap = 0; TimingBins.of(gap) < TimingBins.COUNT - 1; gap++) {
            seen[TimingBins.of(gap)]++;
            last = gap;
        }
        for (int bin = TimingBins.SIDE; bin < TimingBins.COUNT - 1; bin++) {
            assertEquals(seen[bin], TimingBins.width(bin), "bin " + bin);
        }
        assertTrue(last >= 16_000, "the bins reach 16 s: " + last);
    }
}
