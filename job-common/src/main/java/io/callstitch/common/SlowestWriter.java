package io.callstitch.common;

import java.util.HashMap;
import java.util.Map;

/**
 * How far a topic partition is complete when several upstream subtasks write into it, each saying how
 * far it has got: the minimum over the subtasks' latest word, once every one of them has spoken. Both
 * hops that carry time across Kafka read their input with it: job-match the marks of job-rekey's
 * subtasks, job-assemble the progress each job-match subtask writes into its pieces.
 *
 * <p>A subtask's word only ever raises its entry, so a restarted upstream job, whose words start low
 * again, moves nothing back. Words from a run with another parallelism start the count afresh. Not
 * thread-safe: one per partition, in the partition's watermark generator.
 */
public final class SlowestWriter {
    private final Map<Integer, Long> latestBySubtask = new HashMap<>();
    private int subtasks = -1;
    private long complete = Long.MIN_VALUE;

    /**
     * Takes one subtask's word.
     *
     * @return true when the partition's completeness, {@link #complete()}, moved forward
     */
    public boolean heard(int subtask, int subtaskCount, long progress) {
        if (subtaskCount != subtasks) {
            subtasks = subtaskCount;
            latestBySubtask.keySet().removeIf(known -> known >= subtaskCount);
        }
        latestBySubtask.merge(subtask, progress, Math::max);
        if (latestBySubtask.size() < subtasks) {
            return false;
        }
        long slowest = Long.MAX_VALUE;
        for (long latest : latestBySubtask.values()) {
            slowest = Math.min(slowest, latest);
        }
        if (slowest <= complete) {
            return false;
        }
        complete = slowest;
        return true;
    }

    /** Everything up to this time has been written by every subtask; {@link Long#MIN_VALUE} before. */
    public long complete() {
        return complete;
    }
}
