package io.callstitch.infra.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Base64;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ClusterIdTest {

    @Test
    void isTwentyTwoUrlSafeCharactersOfSixteenBytes() {
        Random random = new Random(42);
        for (int i = 0; i < 1000; i++) {
            String id = ClusterId.random(random);
            assertEquals(22, id.length(), id);
            assertTrue(id.matches("[A-Za-z0-9_-]{22}"), id);
            assertFalse(id.startsWith("-"), id);
            assertEquals(16, Base64.getUrlDecoder().decode(id).length, id);
        }
    }
}
