package io.callstitch.rekey;

import java.io.PrintStream;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import io.callstitch.common.Cli;
import io.callstitch.common.Flag;
import io.callstitch.common.FlagSet;
import io.callstitch.common.KafkaJobOptions;
import io.callstitch.common.UsageException;

/** The flags of job-rekey. */
public final class RekeyOptions implements Serializable {
    private static final long serialVersionUID = 1L;

    public static final Flag<String> GROUP_ID = KafkaJobOptions.groupIdFlag("callstitch-rekey");
    public static final Flag<String> INPUT_TOPIC = Flag.text("input-topic", "calls.raw", "topic of raw probe records");
    public static final Flag<InputFormat> INPUT_FORMAT = Flag.choice("input-format", InputFormat.JSON,
            "format of raw records: json (one object per record) or csv (id,src_ip,dst_ip,start_at_ms,latency_msec,end_at_ms)",
            InputFormat.class);
    public static final Flag<String> OUTPUT_TOPIC = Flag.text("output-topic", "calls.by-ip",
            "topic of calls filed under each of their ips, keyed by ip, with watermark marks in every partition");
    public static final Flag<String> DEAD_LETTER_TOPIC = KafkaJobOptions.deadLetterTopicFlag(
            "topic of rejected records, each with a reason, its original bytes, partition and offset");
    public static final Flag<Long> MAX_OUT_OF_ORDERNESS_MS = Flag.nonNegativeLong("max-out-of-orderness-ms", "30000",
            "how far behind the newest end_at_ms of its partition a record may arrive and still count as on time");
    public static final Flag<Long> IDLE_TIMEOUT_MS = Flag.positiveLong("idle-timeout-ms", "30000",
            "a raw partition that delivers nothing for this long stops holding the watermark back; keep it above any stall of job-rekey");
    public static final Flag<WhenQuiet> WHEN_QUIET = Flag.choice("when-quiet", WhenQuiet.IDLE,
            "a partition quiet for the idle timeout goes idle (left out of the watermark) or follows the wall clock (follow-wall-clock)",
            WhenQuiet.class);
    public static final Flag<Long> DUPLICATE_RETENTION_MS = Flag.nonNegativeLong("duplicate-retention-ms", "60000",
            "event time an id is remembered after its end_at_ms (or the watermark, if later, when it came) to drop or reject"
                    + " later records of it; rounded up to the end of that second");
    public static final Flag<Integer> MAX_RECORD_BYTES = Flag.positiveInt("max-record-bytes", "65536",
            "larger raw records are rejected as OVERSIZE_FIELD");
    public static final Flag<Long> MAX_AHEAD_OF_CLOCK_MS = Flag.nonNegativeLong("max-ahead-of-clock-ms", "300000",
            "a call ending (or a heartbeat) further than this past the job's wall clock is rejected as AHEAD_OF_CLOCK, so a"
                    + " probe with a wrong clock cannot drag event time on and make the others late");
    public static final Flag<Integer> MAX_ID_LENGTH = Flag.positiveInt("max-id-length", "256",
            "longer ids are rejected as OVERSIZE_FIELD");

    public static final FlagSet FLAGS = new FlagSet("job-rekey",
            "Reads raw probe records, rejects invalid ones to the dead-letter topic, drops exact duplicates,\n"
                    + "and writes each call twice to the by-ip topic: under its src_ip (looking for parents) and\n"
                    + "under its dst_ip (looking for children), followed by watermark marks in every partition.",
            flags());

    public final KafkaJobOptions kafka;
    public final String inputTopic;
    public final InputFormat inputFormat;
    public final String outputTopic;
    public final String deadLetterTopic;
    public final Settings settings;

    /** What the operators of job-rekey need, also when they run without Kafka (file mode). */
    public static final class Settings implements Serializable {
        private static final long serialVersionUID = 1L;

        public final long maxOutOfOrdernessMs;
        public final long idleTimeoutMs;
        public final WhenQuiet whenQuiet;
        public final long duplicateRetentionMs;
        public final int maxRecordBytes;
        public final int maxIdLength;
        public final long maxAheadOfClockMs;

        public Settings(long maxOutOfOrdernessMs, long idleTimeoutMs, WhenQuiet whenQuiet, long duplicateRetentionMs,
                int maxRecordBytes, int maxIdLength, long maxAheadOfClockMs) {
            this.maxOutOfOrdernessMs = maxOutOfOrdernessMs;
            this.idleTimeoutMs = idleTimeoutMs;
            this.whenQuiet = whenQuiet;
            this.duplicateRetentionMs = duplicateRetentionMs;
            this.maxRecordBytes = maxRecordBytes;
            this.maxIdLength = maxIdLength;
            this.maxAheadOfClockMs = maxAheadOfClockMs;
        }

        /** These settings with another idle timeout. */
        public Settings withIdleTimeoutMs(long idleMs) {
            return new Settings(maxOutOfOrdernessMs, idleMs, whenQuiet, duplicateRetentionMs, maxRecordBytes, maxIdLength,
                    maxAheadOfClockMs);
        }

        /** For a bounded input (a file): its end flushes everything, and reading it never pauses for traffic. */
        public static Settings forBoundedInput(FlagSet.Values values) {
            return new Settings(values.get(MAX_OUT_OF_ORDERNESS_MS), Long.MAX_VALUE, WhenQuiet.IDLE,
                    values.get(DUPLICATE_RETENTION_MS), values.get(MAX_RECORD_BYTES), values.get(MAX_ID_LENGTH),
                    values.get(MAX_AHEAD_OF_CLOCK_MS));
        }

        public static Settings from(FlagSet.Values values) {
            return new Settings(values.get(MAX_OUT_OF_ORDERNESS_MS), values.get(IDLE_TIMEOUT_MS), values.get(WHEN_QUIET),
                    values.get(DUPLICATE_RETENTION_MS), values.get(MAX_RECORD_BYTES), values.get(MAX_ID_LENGTH),
                    values.get(MAX_AHEAD_OF_CLOCK_MS));
        }
    }

    private RekeyOptions(FlagSet.Values values) throws UsageException {
        this.kafka = new KafkaJobOptions(values, GROUP_ID);
        this.inputTopic = values.get(INPUT_TOPIC);
        this.inputFormat = values.get(INPUT_FORMAT);
        this.outputTopic = values.get(OUTPUT_TOPIC);
        this.deadLetterTopic = values.get(DEAD_LETTER_TOPIC);
        this.settings = Settings.from(values);
    }

    /** The flags that shape the operators, for programs (the file mode) that run them without Kafka. */
    public static List<Flag<?>> settingsFlags() {
        return List.of(INPUT_FORMAT, MAX_OUT_OF_ORDERNESS_MS, DUPLICATE_RETENTION_MS, MAX_RECORD_BYTES, MAX_ID_LENGTH, MAX_AHEAD_OF_CLOCK_MS);
    }

    /** The flags about quiet raw partitions; they only mean something on an unbounded input. */
    public static List<Flag<?>> quietFlags() {
        return List.of(IDLE_TIMEOUT_MS, WHEN_QUIET);
    }

    private static List<Flag<?>> flags() {
        List<Flag<?>> flags = new ArrayList<>(List.of(INPUT_TOPIC, OUTPUT_TOPIC, DEAD_LETTER_TOPIC, GROUP_ID));
        flags.addAll(settingsFlags());
        flags.addAll(quietFlags());
        flags.addAll(KafkaJobOptions.FLAGS);
        return flags;
    }

    public static RekeyOptions parse(String[] args, PrintStream helpOut) throws UsageException, Cli.HelpShown {
        return Cli.parse(FLAGS, args, RekeyOptions::new, helpOut);
    }

    static RekeyOptions parseOrExit(String[] args) {
        return Cli.parseOrExit(FLAGS, args, RekeyOptions::new);
    }
}
