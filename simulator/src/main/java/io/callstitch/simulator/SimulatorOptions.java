package io.callstitch.simulator;

import java.io.PrintStream;
import java.util.List;
import io.callstitch.common.Cli;
import io.callstitch.common.Flag;
import io.callstitch.common.FlagSet;
import io.callstitch.common.UsageException;

/** The flags of {@code deploy/local/simulate}. */
public final class SimulatorOptions {
    public static final Flag<String> OUT = Flag.optionalText("out", "write the records as JSON lines to this file (or give --bootstrap)");
    public static final Flag<String> BOOTSTRAP = Flag.optionalText("bootstrap",
            "write the records to Kafka at host:port instead of a file, round-robin over the topic's partitions");
    public static final Flag<String> TOPIC = Flag.text("topic", "calls.raw", "topic to write to with --bootstrap");
    public static final Flag<String> TRUTH = Flag.optionalText("truth", "write the ground truth (call id -> true parent id or null) to this JSON file");
    public static final Flag<Integer> CALLS = Flag.positiveInt("calls", "10000", "stop after this many calls (whole requests)");
    public static final Flag<Long> RATE = Flag.positiveLong("rate", "100", "requests per second of simulated time (concurrency = rate x latency)");
    public static final Flag<Long> SEED = Flag.nonNegativeLong("seed", "1", "seed: the same flags and seed give the same records");
    public static final Flag<Long> START_MS = Flag.nonNegativeLong("start-ms", "0",
            "simulated time of the first request, epoch ms; 0 = so the traffic ends now");
    public static final Flag<Long> MAX_LATENCY_MS = Flag.positiveLong("max-latency-ms", "20000", "no call is longer than this");
    public static final Flag<Long> MAX_DISORDER_MS = Flag.nonNegativeLong("max-disorder-ms", "0",
            "deliver out of order: each record delayed by up to this after its end");
    public static final Flag<Long> CLOCK_SKEW_MS = Flag.nonNegativeLong("clock-skew-ms", "0",
            "each host's clock is off by a fixed amount up to this, either way; a call is stamped by its caller's clock");
    public static final Flag<Double> DUPLICATE_SHARE = share("duplicate-share", "share of records delivered twice");
    public static final Flag<Double> MALFORMED_SHARE = share("malformed-share", "extra malformed records, as a share of the calls");
    public static final Flag<Long> SEND_RATE = Flag.nonNegativeLong("send-rate", "0", "records per second to Kafka; 0 = as fast as possible");
    public static final Flag<Long> HEARTBEAT_AFTER_MS = Flag.nonNegativeLong("heartbeat-after-ms", "51001",
            "with --bootstrap, end with a heartbeat this long after the newest end into every partition (D + L + one bucket flushes it all)");

    public static final FlagSet FLAGS = new FlagSet("simulate",
            "Generates call records from a model of a microservice system (a gateway, services with several\n"
                    + "instances, request types with call trees up to depth 8, sequential and parallel calls, callbacks),\n"
                    + "with optional delivery faults, and the ground truth of every call's parent.",
            List.of(OUT, BOOTSTRAP, TOPIC, TRUTH, CALLS, RATE, SEED, START_MS, MAX_LATENCY_MS, MAX_DISORDER_MS, CLOCK_SKEW_MS,
                    DUPLICATE_SHARE, MALFORMED_SHARE, SEND_RATE, HEARTBEAT_AFTER_MS));

    public final String out;
    public final String bootstrap;
    public final String topic;
    public final String truth;
    public final long sendRate;
    public final long heartbeatAfterMs;
    public final SimulatorConfig config;

    private SimulatorOptions(FlagSet.Values values) throws UsageException {
        String file = values.get(OUT);
        String kafka = values.get(BOOTSTRAP);
        if ((file == null) == (kafka == null)) {
            throw new UsageException("give exactly one of --out FILE and --bootstrap HOST:PORT");
        }
        this.out = file;
        this.bootstrap = kafka;
        this.topic = values.get(TOPIC);
        this.truth = values.get(TRUTH);
        this.sendRate = values.get(SEND_RATE);
        this.heartbeatAfterMs = values.get(HEARTBEAT_AFTER_MS);
        this.config = new SimulatorConfig(values.get(CALLS), values.get(RATE), values.get(SEED), values.get(START_MS),
                values.get(MAX_LATENCY_MS), values.get(MAX_DISORDER_MS), values.get(CLOCK_SKEW_MS),
                values.get(DUPLICATE_SHARE), values.get(MALFORMED_SHARE));
    }

    private static Flag<Double> share(String name, String help) {
        return Flag.of(name, "0", help + " (0 to 1)", text -> {
            try {
                double share = Double.parseDouble(text);
                if (share >= 0 && share <= 1) {
                    return share;
                }
            } catch (NumberFormatException e) {
                // falls through to the message below
            }
            throw new IllegalArgumentException("must be a number from 0 to 1, got '" + text + "'");
        });
    }

    public static SimulatorOptions parse(String[] args, PrintStream helpOut) throws UsageException, Cli.HelpShown {
        return Cli.parse(FLAGS, args, SimulatorOptions::new, helpOut);
    }

    static SimulatorOptions parseOrExit(String[] args) {
        return Cli.parseOrExit(FLAGS, args, SimulatorOptions::new);
    }
}
