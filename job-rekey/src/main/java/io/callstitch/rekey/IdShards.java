package io.callstitch.rekey;

import io.callstitch.schema.ParsedInput;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;

/**
 * Keys a call by the key group of its id instead of by the id: one key per key group. Ids reach the
 * same subtask as {@code keyBy(id)} would send them, so load and rescaling are unchanged, but keyed state
 * and timers are per key group: the duplicate check forgets a slice of ids with one timer per key group,
 * where keying by id needs one timer per id.
 *
 * <p>The key of key group g is the smallest non-negative int that Flink itself assigns to g. It only
 * means something for operators whose max parallelism is {@code keyGroups}.
 */
public final class IdShards implements KeySelector<ParsedInput, Integer> {
    private static final long serialVersionUID = 1L;

    private final int keyGroups;
    // built where it is used: at 32 768 key groups it would weigh on the job graph
    private transient Integer[] keyOfGroup;

    public IdShards(int keyGroups) {
        if (keyGroups < 1 || keyGroups > KeyGroupRangeAssignment.UPPER_BOUND_MAX_PARALLELISM) {
            throw new IllegalArgumentException("key groups out of range: " + keyGroups);
        }
        this.keyGroups = keyGroups;
    }

    public int keyGroups() {
        return keyGroups;
    }

    @Override
    public Integer getKey(ParsedInput input) {
        return keyOf(input.getCall().getId());
    }

    /** The key whose key group is the key group of {@code id}. */
    public Integer keyOf(String id) {
        if (keyOfGroup == null) {
            keyOfGroup = keysOfGroups(keyGroups);
        }
        return keyOfGroup[KeyGroupRangeAssignment.assignToKeyGroup(id, keyGroups)];
    }

    private static Integer[] keysOfGroups(int keyGroups) {
        Integer[] keys = new Integer[keyGroups];
        int found = 0;
        // Flink's murmur hash spreads consecutive ints over the groups: a few times keyGroups tries fill them all
        for (int candidate = 0; found < keyGroups; candidate++) {
            int group = KeyGroupRangeAssignment.assignToKeyGroup(candidate, keyGroups);
            if (keys[group] == null) {
                keys[group] = candidate;
                found++;
            }
        }
        return keys;
    }
}
