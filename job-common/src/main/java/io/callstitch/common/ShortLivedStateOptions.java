package io.callstitch.common;

import java.util.Collection;
import org.apache.flink.contrib.streaming.state.RocksDBOptionsFactory;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.CompressionType;
import org.rocksdb.DBOptions;
import org.rocksdb.TableFormatConfig;

/**
 * RocksDB options for state that lives for seconds and is read back by key once or twice: job-match's
 * buckets (written at a checkpoint, read when the bucket closes) and job-rekey's ids. Blocks are not
 * compressed (a block is read back about once, right after the flush that wrote it, so compression
 * costs a decompression per read and saves a few MB of a short-lived state), and each table has a
 * bloom filter of its keys (a key's list is spread over the few tables written since it was opened;
 * the filter spares reading the index and a block of every other table). Flink applies these before it
 * gives the tables the slot's shared block cache (managed memory).
 * See docs/architecture.md, "State backends".
 */
public final class ShortLivedStateOptions implements RocksDBOptionsFactory {
    private static final long serialVersionUID = 1L;
    static final int BLOOM_BITS_PER_KEY = 10;

    @Override
    public DBOptions createDBOptions(DBOptions currentOptions, Collection<AutoCloseable> handlesToClose) {
        return currentOptions;
    }

    @Override
    public ColumnFamilyOptions createColumnOptions(ColumnFamilyOptions currentOptions, Collection<AutoCloseable> handlesToClose) {
        TableFormatConfig format = currentOptions.tableFormatConfig();
        BlockBasedTableConfig table = format instanceof BlockBasedTableConfig ? (BlockBasedTableConfig) format : new BlockBasedTableConfig();
        BloomFilter filter = new BloomFilter(BLOOM_BITS_PER_KEY, false);
        handlesToClose.add(filter);
        table.setFilter(filter);
        return currentOptions.setCompressionType(CompressionType.NO_COMPRESSION).setTableFormatConfig(table);
    }
}
