package io.callstitch.rekey;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class RetentionSlicesTest {
    private final RetentionSlices slices = new RetentionSlices(60_000);

    @Test
    void anIdBelongsToTheSecondOfItsEnd() {
        assertEquals(1, slices.sliceOf(1000, Long.MIN_VALUE));
        assertEquals(1, slices.sliceOf(1999, 500));
        assertEquals(2, slices.sliceOf(2000, 500));
    }

    @Test
    void aLateIdBelongsToTheSecondOfTheWatermark() {
        assertEquals(100, slices.sliceOf(1500, 100_999));
    }

    @Test
    void aSliceIsForgottenRetentionAfterItsLastMillisecond() {
        assertEquals(1999 + 60_000, slices.forgetAt(1));
        assertEquals(999, new RetentionSlices(0).forgetAt(0));
    }

    @Test
    void everyIdIsRememberedAtLeastTheRetentionAndLessThanASecondLonger() {
        for (long end = 0; end < 5000; end += 7) {
            long forgetAt = slices.forgetAt(slices.sliceOf(end, Long.MIN_VALUE));
            assertTrue(forgetAt >= end + 60_000 && forgetAt < end + 61_000, "end " + end + ": " + forgetAt);
        }
    }

    @Test
    void theLastSliceForgottenIsTheNewestWhoseForgetTimeTheWatermarkReached() {
        for (long watermark = 60_000; watermark < 70_000; watermark += 13) {
            long slice = slices.lastForgottenSlice(watermark);
            assertTrue(slices.forgetAt(slice) <= watermark && slices.forgetAt(slice + 1) > watermark, "watermark " + watermark);
        }
        assertEquals(Long.MIN_VALUE, slices.lastForgottenSlice(Long.MIN_VALUE));
        assertEquals(Long.MAX_VALUE, slices.lastForgottenSlice(Long.MAX_VALUE));
    }

    @Test
    void theFarFutureSaturates() {
        assertEquals(Long.MAX_VALUE, slices.forgetAt(slices.sliceOf(Long.MAX_VALUE, 0)));
        assertEquals(Long.MAX_VALUE, slices.forgetAt(slices.sliceOf(Long.MAX_VALUE - 30_000, 0)));
    }

    @Test
    void aNegativeRetentionIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new RetentionSlices(-1));
    }
}
