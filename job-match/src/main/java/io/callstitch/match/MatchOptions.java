package io.callstitch.match;

import java.io.PrintStream;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import io.callstitch.common.Cli;
import io.callstitch.common.EdgeRule.Buckets;
import io.callstitch.common.Flag;
import io.callstitch.common.FlagSet;
import io.callstitch.common.KafkaJobOptions;
import io.callstitch.common.UsageException;
import io.callstitch.match.caller.ClockOffsets;
import io.callstitch.match.caller.ModelSettings;

/** The flags of job-match. */
public final class MatchOptions implements Serializable {
    private static final long serialVersionUID = 1L;

    public static final Flag<String> GROUP_ID = KafkaJobOptions.groupIdFlag("callstitch-match");
    public static final Flag<String> INPUT_TOPIC = Flag.text("input-topic", "calls.by-ip",
            "topic of calls filed by ip, with job-rekey's watermark marks");
    public static final Flag<String> OUTPUT_TOPIC = Flag.text("output-topic", "calls.edges",
            "topic of edge pieces, keyed by call id");
    public static final Flag<String> DEAD_LETTER_TOPIC = KafkaJobOptions.deadLetterTopicFlag(
            "topic for records of the input topic that do not decode, each with its bytes, partition and offset");
    public static final Flag<Long> MAX_LATENCY_MS = Flag.nonNegativeLong("max-latency-ms", "20000",
            "longest call latency stitched exactly (L); longer calls are stitched best-effort as LATENCY_ABOVE_MAX");
    public static final Flag<Long> BUCKET_MS = Flag.positiveLong("bucket-ms", "1000",
            "width of the time buckets that spread one ip over many keys; a bucket's state is dropped once final and its grace has passed");
    public static final Flag<Long> LATE_GRACE_MS = Flag.nonNegativeLong("late-grace-ms", "10000",
            "a bucket's calls are kept this long after it closed: a call later than the bound by less is still stitched exactly and"
                    + " its partners' records are revised (REVISED); keep job-assemble's --revision-window-ms at least this");
    public static final Flag<Long> CALLER_HALF_LIFE_MS = Flag.positiveLong("caller-half-life-ms", "600000",
            "event time after which what the best-parent model learned counts half");
    public static final Flag<Integer> CALLER_MAX_KINDS = Flag.positiveInt("caller-max-kinds", "20000",
            "most (caller, callee) kinds the best-parent model of one subtask holds (about 1 KB each)");

    public static final Flag<Integer> CALLER_TOLERANCE_MS = Flag.of("caller-tolerance-ms", "auto",
            "how many ms a caller's interval may miss its child's (clock skew) and still be the best parent; auto: per host, from the data (0-"
                    + ModelSettings.MAX_AUTO_TOLERANCE_MS + ")",
            text -> {
                if (text.equals("auto")) {
                    return ModelSettings.AUTO;
                }
                try {
                    int value = Integer.parseInt(text);
                    if (value >= 0 && value <= 1000) {
                        return value;
                    }
                } catch (NumberFormatException e) {
                    // the message below says what is accepted
                }
                throw new IllegalArgumentException("must be auto or a whole number from 0 to 1000, got '" + text + "'");
            });

    /** {@link #SKEW_MARGIN_MS} as wide as the best parent can use. */
    public static final long AUTO_MARGIN = -1;

    public static final Flag<Long> SKEW_MARGIN_MS = Flag.of("skew-margin-ms", "auto",
            "a parent that starts less than this many ms into a time bucket is copied into the bucket before too, where a callee whose"
                    + " clock runs ahead sees its children start; auto: the widest clock offset and tolerance the best parent uses ("
                    + (ClockOffsets.MAX_MS + ModelSettings.MAX_AUTO_TOLERANCE_MS) + " at the defaults, 0 with --best-parent off); 0 to resume state"
                    + " written before this flag",
            text -> {
                if (text.equals("auto")) {
                    return AUTO_MARGIN;
                }
                try {
                    long value = Long.parseLong(text);
                    if (value >= 0) {
                        return value;
                    }
                } catch (NumberFormatException e) {
                    // the message below says what is accepted
                }
                throw new IllegalArgumentException("must be auto or a whole number of ms from 0, got '" + text + "'");
            });

    /** Whether the best parent corrects for clocks that disagree between hosts. */
    public enum ClockOffsetsMode {
        /** Estimated per caller and callee host from the data, used where they stand out. */
        AUTO,
        /** Not estimated: only the tolerance widens the candidates. */
        OFF
    }

    public static final Flag<ClockOffsetsMode> CALLER_CLOCK_OFFSETS = Flag.choice("caller-clock-offsets", ClockOffsetsMode.AUTO,
            "auto: estimate each caller host's clock offset (up to +-" + ClockOffsets.MAX_MS
                    + " ms) from the data and look for best parents after it; off: the tolerance only",
            ClockOffsetsMode.class);

    /** Whether job-match picks best parents. */
    public enum BestParentMode {
        /** Each call gets its most likely caller and a confidence. */
        ON,
        /** The rule's lists only: best_parent stays null, and chains must follow the rule. */
        OFF
    }

    public static final Flag<BestParentMode> BEST_PARENT = Flag.choice("best-parent", BestParentMode.ON,
            "on: pick each call's most likely caller with a confidence (best_parent); off: the rule's lists only (then run job-chains with --chains-by rule)",
            BestParentMode.class);

    public static final FlagSet FLAGS = new FlagSet("job-match",
            "Reads calls filed by ip, finds every parent->child edge per (ip, time bucket) once the watermark\n"
                    + "says the bucket is complete, and writes one edge piece per call and bucket, keyed by call id.",
            flags());

    public final KafkaJobOptions kafka;
    public final String inputTopic;
    public final String outputTopic;
    public final String deadLetterTopic;
    public final Buckets buckets;
    public final ModelSettings callers;

    private MatchOptions(FlagSet.Values values) throws UsageException {
        this.kafka = new KafkaJobOptions(values, GROUP_ID);
        this.inputTopic = values.get(INPUT_TOPIC);
        this.outputTopic = values.get(OUTPUT_TOPIC);
        this.deadLetterTopic = values.get(DEAD_LETTER_TOPIC);
        this.buckets = bucketsFrom(values);
        this.callers = callersFrom(values);
    }

    /** The flags that shape the matching, for programs (the file mode) that run it without Kafka. */
    public static List<Flag<?>> settingsFlags() {
        return List.of(MAX_LATENCY_MS, BUCKET_MS, LATE_GRACE_MS, SKEW_MARGIN_MS, CALLER_HALF_LIFE_MS, CALLER_MAX_KINDS, CALLER_TOLERANCE_MS,
                CALLER_CLOCK_OFFSETS, BEST_PARENT);
    }

    /** The best-parent model's settings at their defaults. */
    public static ModelSettings defaultCallers() {
        return new ModelSettings(CALLER_HALF_LIFE_MS.defaultValue(), CALLER_MAX_KINDS.defaultValue(), CALLER_TOLERANCE_MS.defaultValue(),
                CALLER_CLOCK_OFFSETS.defaultValue() == ClockOffsetsMode.AUTO, BEST_PARENT.defaultValue() == BestParentMode.ON);
    }

    public static ModelSettings callersFrom(FlagSet.Values values) {
        return new ModelSettings(values.get(CALLER_HALF_LIFE_MS), values.get(CALLER_MAX_KINDS), values.get(CALLER_TOLERANCE_MS),
                values.get(CALLER_CLOCK_OFFSETS) == ClockOffsetsMode.AUTO, values.get(BEST_PARENT) == BestParentMode.ON);
    }

    public static Buckets bucketsFrom(FlagSet.Values values) throws UsageException {
        long bucketMs = values.get(BUCKET_MS);
        long maxLatencyMs = values.get(MAX_LATENCY_MS);
        if (maxLatencyMs / bucketMs > 10_000) {
            throw new UsageException("flag --" + BUCKET_MS.name() + " is too small for --" + MAX_LATENCY_MS.name()
                    + ": a parent would be copied into more than 10000 buckets");
        }
        long margin = values.get(SKEW_MARGIN_MS);
        if (margin == AUTO_MARGIN) {
            // as far as a candidate may start after its child: the widest slack of any host
            ModelSettings callers = callersFrom(values);
            long widest = callers.enabled ? callers.slackMs() + (callers.clockOffsets ? ClockOffsets.MAX_MS : 0) : 0;
            margin = Math.min(widest, bucketMs - 1);
        } else if (margin >= bucketMs) {
            throw new UsageException("flag --" + SKEW_MARGIN_MS.name() + " must be less than --" + BUCKET_MS.name() + " (" + bucketMs + "), got " + margin);
        }
        return new Buckets(bucketMs, maxLatencyMs, values.get(LATE_GRACE_MS), margin);
    }

    private static List<Flag<?>> flags() {
        List<Flag<?>> flags = new ArrayList<>(List.of(INPUT_TOPIC, OUTPUT_TOPIC, DEAD_LETTER_TOPIC, GROUP_ID));
        flags.addAll(settingsFlags());
        flags.addAll(KafkaJobOptions.FLAGS);
        return flags;
    }

    public static MatchOptions parse(String[] args, PrintStream helpOut) throws UsageException, Cli.HelpShown {
        return Cli.parse(FLAGS, args, MatchOptions::new, helpOut);
    }

    static MatchOptions parseOrExit(String[] args) {
        return Cli.parseOrExit(FLAGS, args, MatchOptions::new);
    }
}
