package io.callstitch.assemble;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Which calls job-assemble looks at again, and when: the ids of the calls in its state, grouped by the whole
 * second of event time their next deadline falls in (the safety net of a call still missing pieces, or the
 * end of a written call's revision window). When job-match's progress reaches a second, its calls are looked
 * at together: the cost of a deadline is an append to a list, not a timer per call in a priority queue.
 *
 * <p>A deadline {@code d} belongs to the slice {@code ceil(d / 1000)} and is due once the watermark reaches
 * that slice's start, {@code ceil(d / 1000) * 1000}: never early, less than a second late, and exactly on
 * time when {@code d} is a whole second.
 *
 * <p>The index holds ids only, in memory; it is rebuilt from the state after a restore, so it is never in a
 * checkpoint. An id can be in it more than once (a call that moved to a later deadline keeps its old entry):
 * whoever polls a slice checks that the call's deadline is still in it.
 */
public final class DueCalls {
    public static final long SLICE_MS = 1000;
    /** The slice of the deadlines too close to {@code Long.MAX_VALUE} to round up: due only at the end of input. */
    private static final long LAST_SLICE = Long.MAX_VALUE;

    private final TreeMap<Long, List<String>> idsBySlice = new TreeMap<>();
    // most calls that come together fall due in the same second: spares the tree lookup
    private long recentSlice;
    private List<String> recentIds;
    private long entries;

    /** The slice a deadline belongs to. */
    public static long sliceOf(long deadlineMs) {
        if (deadlineMs > Long.MAX_VALUE - SLICE_MS) {
            return LAST_SLICE;
        }
        return Math.floorDiv(deadlineMs + SLICE_MS - 1, SLICE_MS);
    }

    /** The event time at which a slice is due: its deadlines rounded up to the whole second. */
    public static long dueAt(long slice) {
        return slice >= Long.MAX_VALUE / SLICE_MS ? Long.MAX_VALUE : slice * SLICE_MS;
    }

    /** Remembers that call {@code id} has a deadline at {@code deadlineMs}. */
    public void add(String id, long deadlineMs) {
        long slice = sliceOf(deadlineMs);
        if (recentIds == null || recentSlice != slice) {
            recentIds = idsBySlice.computeIfAbsent(slice, s -> new ArrayList<>());
            recentSlice = slice;
        }
        recentIds.add(id);
        entries++;
    }

    /**
     * Takes the earliest slice due once the watermark is at {@code watermark} out of the index.
     *
     * @return the slice's number (its key) and ids, or null when no slice is due
     */
    public Map.Entry<Long, List<String>> pollDue(long watermark) {
        Map.Entry<Long, List<String>> first = idsBySlice.firstEntry();
        if (first == null || dueAt(first.getKey()) > watermark) {
            return null;
        }
        idsBySlice.pollFirstEntry();
        if (first.getValue() == recentIds) {
            recentIds = null;
        }
        entries -= first.getValue().size();
        return first;
    }

    /** Ids in the index, counting an id once per entry. */
    public long entries() {
        return entries;
    }
}
