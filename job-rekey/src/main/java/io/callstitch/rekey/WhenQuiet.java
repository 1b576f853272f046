package io.callstitch.rekey;

/**
 * What the watermark of a raw partition does once the partition has delivered nothing for the idle
 * timeout. Either way, a quiet partition no longer holds the others back; heartbeat records move a
 * partition's time on without waiting for either.
 */
public enum WhenQuiet {
    /**
     * Flink's idleness: the partition is left out of the watermark until it delivers again. When
     * every partition is quiet, event time stands still, and the last calls wait for more traffic or
     * a heartbeat.
     */
    IDLE,
    /**
     * Advance with the wall clock from the partition's newest record, so the tail of the traffic is
     * flushed D + L + one bucket after it stops. Right when probes stamp calls with wall-clock time;
     * like idleness, a job-rekey stalled for longer than the idle timeout makes calls late.
     */
    FOLLOW_WALL_CLOCK
}
