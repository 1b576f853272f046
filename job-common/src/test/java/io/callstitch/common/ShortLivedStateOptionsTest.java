package io.callstitch.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.contrib.streaming.state.RocksDBStateBackend;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.CompressionType;
import org.rocksdb.DBOptions;
import org.rocksdb.FlushOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.Statistics;
import org.rocksdb.TickerType;

class ShortLivedStateOptionsTest {

    @Test
    void tablesAreNotCompressedAndLookupsOfAbsentKeysAreAnsweredByTheBloomFilter(@TempDir Path dir) throws Exception {
        RocksDB.loadLibrary();
        List<AutoCloseable> handles = new ArrayList<>();
        try (ColumnFamilyOptions tuned = new ShortLivedStateOptions().createColumnOptions(new ColumnFamilyOptions(), handles);
                ColumnFamilyOptions plain = new ColumnFamilyOptions()) {
            assertEquals(CompressionType.NO_COMPRESSION, tuned.compressionType());
            assertNotEquals(CompressionType.NO_COMPRESSION, plain.compressionType(), "RocksDB's own default compresses");
            assertTrue(absentKeysTheFilterAnswered(dir.resolve("tuned"), tuned) >= 450, "the filter answers nearly every miss");
            assertEquals(0, absentKeysTheFilterAnswered(dir.resolve("plain"), plain), "without it every miss reads the table");
        } finally {
            for (AutoCloseable handle : handles) {
                handle.close();
            }
        }
    }

    /** Writes the even keys of 0..999 to a table, looks up the odd ones, and counts the lookups the bloom filter ended. */
    private static long absentKeysTheFilterAnswered(Path dir, ColumnFamilyOptions column) throws Exception {
        List<ColumnFamilyHandle> families = new ArrayList<>();
        try (Statistics statistics = new Statistics();
                DBOptions db = new DBOptions().setCreateIfMissing(true).setStatistics(statistics);
                RocksDB rocks = RocksDB.open(db, dir.toString(), List.of(new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY, column)),
                        families);
                FlushOptions flush = new FlushOptions().setWaitForFlush(true)) {
            ColumnFamilyHandle family = families.get(0);
            for (int i = 0; i < 1000; i += 2) {
                rocks.put(family, key(i), key(i));
            }
            rocks.flush(flush, family);
            for (int i = 1; i < 1000; i += 2) {
                assertNull(rocks.get(family, key(i)));
            }
            long answered = statistics.getTickerCount(TickerType.BLOOM_FILTER_USEFUL);
            family.close();
            return answered;
        }
    }

    @Test
    void tablesWrittenWithRocksDbsOwnDefaultsAreReadWithTheseAndTheOtherWayRound(@TempDir Path dir) throws Exception {
        RocksDB.loadLibrary();
        List<AutoCloseable> handles = new ArrayList<>();
        try (ColumnFamilyOptions tuned = new ShortLivedStateOptions().createColumnOptions(new ColumnFamilyOptions(), handles);
                ColumnFamilyOptions plain = new ColumnFamilyOptions()) {
            // a restore of an incremental checkpoint opens the tables written before with the options of now
            writeEvenKeys(dir.resolve("a"), plain);
            assertEvenKeysRead(dir.resolve("a"), tuned);
            writeEvenKeys(dir.resolve("b"), tuned);
            assertEvenKeysRead(dir.resolve("b"), plain);
        } finally {
            for (AutoCloseable handle : handles) {
                handle.close();
            }
        }
    }

    private static void writeEvenKeys(Path dir, ColumnFamilyOptions column) throws Exception {
        List<ColumnFamilyHandle> families = new ArrayList<>();
        try (DBOptions db = new DBOptions().setCreateIfMissing(true);
                RocksDB rocks = RocksDB.open(db, dir.toString(), List.of(new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY, column)),
                        families);
                FlushOptions flush = new FlushOptions().setWaitForFlush(true)) {
            for (int i = 0; i < 1000; i += 2) {
                rocks.put(families.get(0), key(i), key(i));
            }
            rocks.flush(flush, families.get(0));
            families.get(0).close();
        }
    }

    private static void assertEvenKeysRead(Path dir, ColumnFamilyOptions column) throws Exception {
        List<ColumnFamilyHandle> families = new ArrayList<>();
        try (DBOptions db = new DBOptions();
                RocksDB rocks = RocksDB.open(db, dir.toString(), List.of(new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY, column)),
                        families)) {
            for (int i = 0; i < 1000; i++) {
                byte[] value = rocks.get(families.get(0), key(i));
                if (i % 2 == 0) {
                    assertTrue(value != null && new String(value, StandardCharsets.US_ASCII).equals("call-" + i), "key " + i);
                } else {
                    assertNull(value, "key " + i);
                }
            }
            families.get(0).close();
        }
    }

    private static byte[] key(int i) {
        return ("call-" + i).getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void aJobOnRocksDbGetsTheseOptionsUnlessItLeavesThemToTheCluster(@TempDir Path dir) throws Exception {
        assertTrue(rocksDbOptionsOf(dir, "short-lived") instanceof ShortLivedStateOptions);
        assertTrue(rocksDbOptionsOf(dir, null) instanceof ShortLivedStateOptions, "the default");
        assertFalse(rocksDbOptionsOf(dir, "cluster") instanceof ShortLivedStateOptions, "Flink's own, from the cluster's keys");
    }

    private static Object rocksDbOptionsOf(Path dir, String tuning) throws Exception {
        List<String> args = new ArrayList<>(List.of("--state-backend", "rocksdb", "--checkpoint-dir", dir.toUri().toString()));
        if (tuning != null) {
            args.addAll(List.of("--rocksdb-options", tuning));
        }
        Flag<String> group = KafkaJobOptions.groupIdFlag("callstitch-test");
        List<Flag<?>> flags = new ArrayList<>(KafkaJobOptions.FLAGS);
        flags.add(group);
        KafkaJobOptions options = new KafkaJobOptions(new FlagSet("test", "a test", flags).parse(args.toArray(new String[0])), group);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(1);
        KafkaEnds.configure(env, options);
        return ((RocksDBStateBackend) env.getStateBackend()).getRocksDBOptions();
    }
}
