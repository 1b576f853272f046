package io.callstitch.common;

/** The delivery guarantee of a job's Kafka sinks and checkpoints. */
public enum Delivery {
    /** Transactional sinks committed on checkpoints; readers see output one checkpoint later. */
    EXACTLY_ONCE,
    /** Sinks flush on checkpoints; a restart may write some records twice. */
    AT_LEAST_ONCE
}
