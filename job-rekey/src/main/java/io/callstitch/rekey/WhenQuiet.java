package io.callstitch.rekey;

/** What the watermark of a raw partition does once the partition has been quiet for the idle timeout. */
public enum WhenQuiet {
    /**
     * Advance with the wall clock from the partition's newest record: the tail of the traffic is
     * flushed D + L + one bucket after it stops. Right when probes stamp calls with wall-clock time
     * and job-rekey keeps up with its input (it is light, and job-match's load does not reach it
     * through Kafka); a job-rekey stalled for longer than the idle timeout would make calls late.
     */
    FOLLOW_WALL_CLOCK,
    /** Hold the watermark until the partition delivers again, as Flink does by default. */
    WAIT
}
