package io.callstitch.common;

/** Which RocksDB options a job's RocksDB state gets; see docs/architecture.md, "State backends". */
public enum RocksDbTuning {
    /** {@link ShortLivedStateOptions}: no block compression, a bloom filter per table. */
    SHORT_LIVED,
    /** Whatever the cluster's flink-conf.yaml says (its {@code state.backend.rocksdb.*} keys and options factory). */
    CLUSTER
}
