package io.callstitch.rekey;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class NewIdFilterTest {

    @Test
    void anIdAddedIsAlwaysMaybeKnownUntilItsGenerationIsForgotten() {
        NewIdFilter filter = new NewIdFilter();
        // far more ids than the first filter holds: the generation grows
        for (int i = 0; i < 200_000; i++) {
            filter.add("call-" + i, 1000 + i / 10_000);
        }
        for (int i = 0; i < 200_000; i++) {
            assertTrue(filter.mightHave("call-" + i), "call-" + i);
        }
    }

    @Test
    void fewIdsNeverAddedAreMaybeKnown() {
        NewIdFilter filter = new NewIdFilter();
        for (int i = 0; i < 100_000; i++) {
            filter.add("call-" + i, i / 1000);
        }
        int falsePositives = 0;
        for (int i = 100_000; i < 300_000; i++) {
            if (filter.mightHave("call-" + i)) {
                falsePositives++;
            }
        }
        // one generation per 32 slices, each saying yes for a few ids in a thousand never added
        assertTrue(falsePositives < 200_000 / 50, falsePositives + " of 200000");
    }

    @Test
    void aGenerationLeavesOnceAllItsSlicesAreForgotten() {
        NewIdFilter filter = new NewIdFilter();
        long generationSlices = NewIdFilter.GENERATION_SLICES;
        filter.add("old", 0);
        filter.add("new", generationSlices);
        filter.forgetThrough(generationSlices - 2);
        assertTrue(filter.mightHave("old"), "one slice of its generation is still remembered");
        filter.forgetThrough(generationSlices - 1);
        assertFalse(filter.mightHave("old"));
        assertTrue(filter.mightHave("new"));
        assertEquals(1, filter.generations());
        filter.forgetThrough(Long.MAX_VALUE);
        assertEquals(0, filter.generations());
    }

    @Test
    void negativeAndFarFutureSlicesHaveTheirGenerations() {
        NewIdFilter filter = new NewIdFilter();
        filter.add("skewed", Long.MAX_VALUE / 1000);
        filter.add("early", -5);
        filter.forgetThrough(-1);
        assertFalse(filter.mightHave("early"));
        assertTrue(filter.mightHave("skewed"));
    }
}
