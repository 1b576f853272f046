package io.callstitch.common;

/** Where a job keeps its keyed state and timers; see docs/performance.md for what each costs. */
public enum StateBackendChoice {
    /** Whatever the cluster's {@code state.backend} says. */
    CLUSTER,
    /** RocksDB on local disk, incremental checkpoints: for state larger than the heap should hold. */
    ROCKSDB,
    /** Objects on the heap, no serialisation per access, full asynchronous checkpoints: for small state. */
    HEAP
}
