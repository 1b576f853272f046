package io.callstitch.tools.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Follows one job while it runs: the gauge of its buffered calls, RocksDB's estimate of its live data
 * (when its state is in RocksDB), and the size of each checkpoint it completes. Bytes per buffered call
 * are the live data over the calls buffered, sampled together.
 */
final class StateSampler implements Runnable {
    private static final long INTERVAL_MS = 1_000;
    /** Below this many buffered calls the division says more about fixed overhead than about a call. */
    private static final long FEW = 1_000;

    /** What was seen. */
    static final class Figures {
        final String gauge;
        final long peakBuffered;
        final long peakCheckpointBytes;
        final long peakLiveBytes;
        /** Median over the samples with at least {@link #FEW} calls buffered; -1 if none was, or no RocksDB. */
        final long bytesPerBuffered;

        Figures(String gauge, long peakBuffered, long peakCheckpointBytes, long peakLiveBytes, long bytesPerBuffered) {
            this.gauge = gauge;
            this.peakBuffered = peakBuffered;
            this.peakCheckpointBytes = peakCheckpointBytes;
            this.peakLiveBytes = peakLiveBytes;
            this.bytesPerBuffered = bytesPerBuffered;
        }
    }

    private final JobProbe probe;
    private final String gauge;
    private final Thread thread;
    private final List<Long> perCall = new ArrayList<>();
    private volatile boolean running = true;
    private long peakBuffered;
    private long peakCheckpointBytes;
    private long peakLiveBytes;
    private long lastCheckpointId = -1;
    private Figures figures;

    private StateSampler(JobProbe probe, String gauge) {
        this.probe = probe;
        this.gauge = gauge;
        this.thread = new Thread(this, "state-sampler-" + gauge);
        thread.setDaemon(true);
    }

    static StateSampler start(JobProbe probe, String gauge) {
        StateSampler sampler = new StateSampler(probe, gauge);
        sampler.thread.start();
        return sampler;
    }

    @Override
    public void run() {
        while (running) {
            try {
                long buffered = probe.metricSum(gauge);
                long live = probe.metricSum("rocksdb_estimate-live-data-size");
                long[] checkpoint = probe.latestCheckpoint();
                synchronized (this) {
                    peakBuffered = Math.max(peakBuffered, buffered);
                    peakLiveBytes = Math.max(peakLiveBytes, live);
                    if (live > 0 && buffered >= FEW) {
                        perCall.add(live / buffered);
                    }
                    if (checkpoint != null && checkpoint[0] != lastCheckpointId) {
                        lastCheckpointId = checkpoint[0];
                        peakCheckpointBytes = Math.max(peakCheckpointBytes, checkpoint[1]);
                    }
                }
                Thread.sleep(INTERVAL_MS);
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                // the job is going away: what was seen so far stands
                return;
            }
        }
    }

    /** Stops following; idempotent. */
    synchronized Figures stop() {
        if (figures == null) {
            running = false;
            thread.interrupt();
            List<Long> sorted = new ArrayList<>(perCall);
            Collections.sort(sorted);
            figures = new Figures(gauge, peakBuffered, peakCheckpointBytes, peakLiveBytes,
                    sorted.isEmpty() ? -1 : sorted.get(sorted.size() / 2));
        }
        return figures;
    }
}
