package io.callstitch.rekey;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Tells job-rekey's duplicate check which ids it has surely not seen, so that the first record of an id,
 * nearly every record, passes without reading keyed state. On RocksDB that read looks for a key that is not
 * there through every level of the store, and was most of job-rekey's time (docs/performance.md).
 *
 * <p>Bloom filters, one per generation of {@link #GENERATION_SLICES} slices of {@link RetentionSlices}: an
 * id added to the generation of its slice stays until {@link #forgetThrough} passes the generation's last
 * slice, that is until every id of the generation has left the state. So {@link #mightHave} never says no
 * for an id still remembered; it says yes for about one id in a thousand per generation that was never
 * added, and those are read from state. It lives in memory only (2 bytes per id): after a restore it knows
 * nothing of the ids restored, and the caller reads state until those are forgotten.
 *
 * <p>Each filter is blocked: the bits of one id lie in one 64-byte block, one cache line per generation.
 * A generation is sized for as many ids as the largest before it; one that outgrows its filter adds another,
 * twice as large.
 */
public final class NewIdFilter {
    /** 32 s of event time: four generations cover D + retention, so a lookup reads four cache lines. */
    public static final long GENERATION_SLICES = 32;
    private static final int BITS_PER_ID = 16;
    private static final int FIRST_CAPACITY = 1 << 12;
    private static final int BLOCK_LONGS = 8;
    private static final int BITS_PER_POSITION = 9;
    private static final int POSITIONS = 7;

    private final TreeMap<Long, Generation> generations = new TreeMap<>();
    private int lastGenerationSize = FIRST_CAPACITY;

    /** Remembers {@code id}, which belongs to {@code slice}. */
    public void add(String id, long slice) {
        long generation = Math.floorDiv(slice, GENERATION_SLICES);
        Generation ids = generations.get(generation);
        if (ids == null) {
            int capacity = lastGenerationSize;
            for (Generation live : generations.values()) {
                capacity = Math.max(capacity, live.size());
            }
            ids = new Generation(capacity);
            generations.put(generation, ids);
        }
        ids.add(hash(id));
    }

    /** False only if {@code id} was not added since its generation was last forgotten. */
    public boolean mightHave(String id) {
        long hash = hash(id);
        for (Generation ids : generations.values()) {
            if (ids.mightHave(hash)) {
                return true;
            }
        }
        return false;
    }

    /** Forgets every generation whose slices all are {@code slice} or older. */
    public void forgetThrough(long slice) {
        Iterator<Map.Entry<Long, Generation>> oldest = generations.entrySet().iterator();
        while (oldest.hasNext()) {
            Map.Entry<Long, Generation> generation = oldest.next();
            long lastSlice = generation.getKey() * GENERATION_SLICES + GENERATION_SLICES - 1;
            if (generation.getKey() >= Long.MAX_VALUE / GENERATION_SLICES || lastSlice > slice) {
                return;
            }
            // the next generation starts sized for as many ids as this one held
            lastGenerationSize = Math.max(FIRST_CAPACITY, generation.getValue().size());
            oldest.remove();
        }
    }

    /** Generations held, for tests. */
    int generations() {
        return generations.size();
    }

    /** One generation's ids: filters of growing capacity, the newest taking the adds. */
    private static final class Generation {
        private final List<Filter> filters = new ArrayList<>();
        private int size;

        Generation(int capacity) {
            filters.add(new Filter(capacity));
        }

        void add(long hash) {
            Filter newest = filters.get(filters.size() - 1);
            if (newest.isFull()) {
                newest = new Filter(newest.capacity * 2);
                filters.add(newest);
            }
            newest.add(hash);
            size++;
        }

        boolean mightHave(long hash) {
            for (Filter filter : filters) {
                if (filter.mightHave(hash)) {
                    return true;
                }
            }
            return false;
        }

        int size() {
            return size;
        }
    }

    /** A blocked Bloom filter: 7 bits of a 512-bit block per id. */
    private static final class Filter {
        final int capacity;
        private final long[] bits;
        private final int blocks;
        private int size;

        Filter(int capacity) {
            this.capacity = capacity;
            this.blocks = Math.max(1, (int) ((long) capacity * BITS_PER_ID / (BLOCK_LONGS * Long.SIZE)));
            this.bits = new long[blocks * BLOCK_LONGS];
        }

        boolean isFull() {
            return size >= capacity;
        }

        void add(long hash) {
            int base = block(hash);
            long positions = mix(hash);
            for (int i = 0; i < POSITIONS; i++) {
                int bit = (int) (positions >>> (i * BITS_PER_POSITION)) & (BLOCK_LONGS * Long.SIZE - 1);
                bits[base + (bit >>> 6)] |= 1L << bit;
            }
            size++;
        }

        boolean mightHave(long hash) {
            int base = block(hash);
            long positions = mix(hash);
            for (int i = 0; i < POSITIONS; i++) {
                int bit = (int) (positions >>> (i * BITS_PER_POSITION)) & (BLOCK_LONGS * Long.SIZE - 1);
                if ((bits[base + (bit >>> 6)] & (1L << bit)) == 0) {
                    return false;
                }
            }
            return true;
        }

        private int block(long hash) {
            // the high half picks the block (multiply-shift: no modulo), the mixed hash the bits in it
            return (int) (((hash >>> 32) * blocks) >>> 32) * BLOCK_LONGS;
        }
    }

    /** 64-bit FNV-1a over the id's chars, then MurmurHash3's finaliser: Java's 32-bit String hash collides too often. */
    static long hash(String id) {
        long hash = 0xcbf29ce484222325L;
        for (int i = 0; i < id.length(); i++) {
            hash = (hash ^ id.charAt(i)) * 0x100000001b3L;
        }
        return mix(hash);
    }

    private static long mix(long value) {
        long h = value;
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }
}
