package io.callstitch.rekey;

import java.io.Serializable;

/**
 * When job-rekey forgets a call id. Ids are grouped by the one-second slice of event time they belong to,
 * and a whole slice is forgotten at once, so forgetting costs one timer per slice (and key group), not
 * one per id.
 *
 * <p>An id belongs to the slice of {@code t = max(end_at_ms, watermark when its first record came)}:
 * a late record is remembered from where event time stands, not from its own old end. The slice
 * {@code s = floor(t / 1000)} is forgotten once the watermark reaches {@link #forgetAt}
 * {@code = (s + 1) * 1000 - 1 + retention}: at least {@code retention} after {@code t}, and less than
 * one slice longer. So about rate x (D + retention + 1 s) ids are remembered, whatever the run time.
 */
public final class RetentionSlices implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Coarse enough that a slice holds many ids of a key group, fine enough to hold little extra. */
    public static final long SLICE_MS = 1000;

    private final long retentionMs;

    public RetentionSlices(long retentionMs) {
        if (retentionMs < 0) {
            throw new IllegalArgumentException("retention must not be negative: " + retentionMs);
        }
        this.retentionMs = retentionMs;
    }

    /** The slice of an id whose first record ends at {@code endAtMs} and comes at {@code watermark}. */
    public long sliceOf(long endAtMs, long watermark) {
        return Math.floorDiv(Math.max(endAtMs, watermark), SLICE_MS);
    }

    /** The watermark at which the ids of {@code slice} are forgotten. */
    public long forgetAt(long slice) {
        long lastOfSlice = slice >= Long.MAX_VALUE / SLICE_MS ? Long.MAX_VALUE : (slice + 1) * SLICE_MS - 1;
        return saturatedAdd(lastOfSlice, retentionMs);
    }

    /** The newest slice forgotten once the watermark is at {@code watermark}: {@code forgetAt} of it is at most the watermark. */
    public long lastForgottenSlice(long watermark) {
        if (watermark == Long.MAX_VALUE) {
            return Long.MAX_VALUE;
        }
        // forgetAt(s) <= watermark  <=>  (s + 1) * SLICE_MS <= watermark + 1 - retention
        long bound = watermark + 1 - retentionMs;
        if (bound > watermark + 1) {
            // below Long.MIN_VALUE: nothing is forgotten yet
            return Long.MIN_VALUE;
        }
        return Math.floorDiv(bound, SLICE_MS) - 1;
    }

    private static long saturatedAdd(long a, long b) {
        long sum = a + b;
        return ((a ^ sum) & (b ^ sum)) < 0 ? Long.MAX_VALUE : sum;
    }
}
