package io.callstitch.assemble;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DueCallsTest {
    @Test
    void aDeadlineIsDueAtTheWholeSecondAtOrAfterIt() {
        assertEquals(5_000, DueCalls.dueAt(DueCalls.sliceOf(5_000)), "a whole second is exact");
        assertEquals(6_000, DueCalls.dueAt(DueCalls.sliceOf(5_001)));
        assertEquals(6_000, DueCalls.dueAt(DueCalls.sliceOf(5_999)));
        assertEquals(-1_000, DueCalls.dueAt(DueCalls.sliceOf(-1_500)), "before the epoch too");
        assertEquals(Long.MAX_VALUE, DueCalls.dueAt(DueCalls.sliceOf(Long.MAX_VALUE)), "a saturated deadline: the end of input");
        assertEquals(Long.MAX_VALUE, DueCalls.dueAt(DueCalls.sliceOf(Long.MAX_VALUE - 10)));
    }

    @Test
    void everyIdComesOutOnceNeverBeforeItsDeadlineAndInOrder() {
        // against a plain reading: each deadline d is due at the first watermark w >= d rounded up to 1000
        Random random = new Random(11);
        DueCalls due = new DueCalls();
        List<long[]> added = new ArrayList<>();
        for (int i = 0; i < 5_000; i++) {
            long deadline = random.nextInt(100_000) - 10_000;
            due.add("c" + i, deadline);
            added.add(new long[] {i, deadline});
        }
        assertEquals(5_000, due.entries());
        long previousSlice = Long.MIN_VALUE;
        int seen = 0;
        for (long watermark = -20_000; watermark <= 100_000; watermark += 1 + random.nextInt(3_000)) {
            for (Map.Entry<Long, List<String>> slice = due.pollDue(watermark); slice != null; slice = due.pollDue(watermark)) {
                assertTrue(slice.getKey() > previousSlice, "slices come out in order");
                previousSlice = slice.getKey();
                for (String id : slice.getValue()) {
                    long deadline = added.get(Integer.parseInt(id.substring(1)))[1];
                    long dueAt = (long) Math.ceil(deadline / 1000.0) * 1000;
                    assertTrue(dueAt <= watermark, id + " due at " + dueAt + " came out at watermark " + watermark);
                    assertEquals(dueAt, DueCalls.dueAt(slice.getKey()));
                    seen++;
                }
            }
            assertNullOrLater(due, watermark);
        }
        assertEquals(5_000, seen);
        assertEquals(0, due.entries());
    }

    private static void assertNullOrLater(DueCalls due, long watermark) {
        assertNull(due.pollDue(watermark), "nothing left due at " + watermark);
    }

    @Test
    void anIdAddedToASliceAlreadyTakenOutComesOutAgain() {
        DueCalls due = new DueCalls();
        due.add("a", 1_000);
        assertEquals(List.of("a"), due.pollDue(1_000).getValue());
        due.add("b", 1_000);
        assertEquals(List.of("b"), due.pollDue(1_000).getValue(), "a new list for the same second");
        assertNull(due.pollDue(Long.MAX_VALUE));
    }
}
