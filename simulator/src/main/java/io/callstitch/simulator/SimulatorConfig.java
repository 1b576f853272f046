package io.callstitch.simulator;

/** What to simulate: how much traffic, how fast, and which delivery faults. */
public final class SimulatorConfig {
    public final int calls;
    public final long ratePerSecond;
    public final long seed;
    /** Simulated time of the first request; 0 = so that the traffic ends about now. */
    public final long startMs;
    public final long maxLatencyMs;
    public final long maxDisorderMs;
    public final long clockSkewMs;
    public final double duplicateShare;
    public final double malformedShare;

    public SimulatorConfig(int calls, long ratePerSecond, long seed, long startMs, long maxLatencyMs, long maxDisorderMs,
            long clockSkewMs, double duplicateShare, double malformedShare) {
        this.calls = calls;
        this.ratePerSecond = ratePerSecond;
        this.seed = seed;
        this.startMs = startMs;
        this.maxLatencyMs = maxLatencyMs;
        this.maxDisorderMs = maxDisorderMs;
        this.clockSkewMs = clockSkewMs;
        this.duplicateShare = duplicateShare;
        this.malformedShare = malformedShare;
    }

    /** Fault-free traffic of about {@code calls} calls at {@code ratePerSecond} requests per second. */
    public static SimulatorConfig clean(int calls, long ratePerSecond, long seed, long startMs) {
        return new SimulatorConfig(calls, ratePerSecond, seed, startMs, 20_000, 0, 0, 0, 0);
    }

    public SimulatorConfig withDisorder(long maxDisorderMs) {
        return new SimulatorConfig(calls, ratePerSecond, seed, startMs, maxLatencyMs, maxDisorderMs, clockSkewMs, duplicateShare, malformedShare);
    }
}
