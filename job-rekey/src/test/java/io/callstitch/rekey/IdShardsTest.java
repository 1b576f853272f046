package io.callstitch.rekey;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IdShardsTest {

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 128, 1000, 32_768})
    void anIdReachesTheKeyGroupThatKeyingByIdWouldChoose(int keyGroups) {
        IdShards shards = new IdShards(keyGroups);
        Random random = new Random(keyGroups);
        for (int i = 0; i < 20_000; i++) {
            String id = Long.toHexString(random.nextLong()) + "-" + i;
            assertEquals(KeyGroupRangeAssignment.assignToKeyGroup(id, keyGroups),
                    KeyGroupRangeAssignment.assignToKeyGroup(shards.keyOf(id), keyGroups), id);
        }
    }

    @Test
    void oneKeyPerKeyGroup() {
        IdShards shards = new IdShards(128);
        Map<Integer, Set<Integer>> keysOfGroup = new HashMap<>();
        for (int i = 0; i < 50_000; i++) {
            Integer key = shards.keyOf("id-" + i);
            keysOfGroup.computeIfAbsent(KeyGroupRangeAssignment.assignToKeyGroup(key, 128), group -> new HashSet<>()).add(key);
        }
        assertEquals(128, keysOfGroup.size());
        keysOfGroup.values().forEach(keys -> assertEquals(1, keys.size()));
    }

    @Test
    void keyGroupsOutsideFlinksRangeAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new IdShards(0));
        assertThrows(IllegalArgumentException.class, () -> new IdShards(KeyGroupRangeAssignment.UPPER_BOUND_MAX_PARALLELISM + 1));
    }
}
