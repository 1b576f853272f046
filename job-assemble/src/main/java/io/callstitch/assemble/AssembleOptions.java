package io.callstitch.assemble;

import io.callstitch.common.Cli;
import io.callstitch.common.Flag;
import io.callstitch.common.FlagSet;
import io.callstitch.common.KafkaJobOptions;
import io.callstitch.common.UsageException;
import java.io.PrintStream;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/** The flags of job-assemble; {@code --help} lists them. */
public final class AssembleOptions implements Serializable {
    private static final long serialVersionUID = 1L;

    /** How calls are written to the output topic. */
    public enum OutputFormat {
        /** Avro binary of {@code StitchedCall}, as the other callstitch topics. */
        AVRO,
        /** One JSON object per record, see {@link io.callstitch.common.StitchedJson}. */
        JSON
    }

    public static final Flag<String> INPUT_TOPIC =
            Flag.text("input-topic", "calls.edges", "topic of the edge pieces written by job-match, keyed by call id");
    public static final Flag<String> OUTPUT_TOPIC =
            Flag.text("output-topic", "calls.stitched", "topic the stitched calls are written to, keyed by call id");
    public static final Flag<String> DEAD_LETTER_TOPIC = KafkaJobOptions.deadLetterTopicFlag(
            "topic for records of the input topic that do not decode, each with its bytes, partition and offset");
    public static final Flag<OutputFormat> OUTPUT_FORMAT = Flag.choice("output-format", OutputFormat.AVRO,
            "format of the stitched calls: avro or json (one object per record)", OutputFormat.class);
    public static final Flag<Long> ASSEMBLY_TIMEOUT_MS = Flag.positiveLong("assembly-timeout-ms", "60000",
            "event time (how far job-match has got) after a call's first piece at which it is written INCOMPLETE if pieces"
                    + " are missing; keep it above --max-latency-ms + --bucket-ms of job-match");
    public static final Flag<Long> REVISION_WINDOW_MS = Flag.nonNegativeLong("revision-window-ms", "15000",
            "event time a written call is kept for: a duplicate piece is then dropped, and a late call's edge (or a missing piece)"
                    + " writes it again as REVISED; keep it at least job-match's --late-grace-ms; 0 forgets at once");
    public static final Flag<String> GROUP_ID = KafkaJobOptions.groupIdFlag("callstitch-assemble");

    /** When job-assemble writes a call and how long it keeps it, in job-match's event time. */
    public static final class Timing implements java.io.Serializable {
        private static final long serialVersionUID = 1L;

        /** After a call's first piece: written INCOMPLETE if pieces are still missing. */
        public final long timeoutMs;
        /** After a call was written: forgotten. */
        public final long revisionWindowMs;

        public Timing(long timeoutMs, long revisionWindowMs) {
            this.timeoutMs = timeoutMs;
            this.revisionWindowMs = revisionWindowMs;
        }

        public static Timing from(FlagSet.Values values) {
            return new Timing(values.get(ASSEMBLY_TIMEOUT_MS), values.get(REVISION_WINDOW_MS));
        }

        public static Timing defaults() {
            return new Timing(ASSEMBLY_TIMEOUT_MS.defaultValue(), REVISION_WINDOW_MS.defaultValue());
        }
    }

    /** The flags that shape the assembly, for programs (the file mode) that run it without Kafka. */
    public static List<Flag<?>> settingsFlags() {
        return List.of(ASSEMBLY_TIMEOUT_MS, REVISION_WINDOW_MS);
    }

    public static final FlagSet FLAGS = new FlagSet("job-assemble",
            "Reads the edge pieces of topic calls.edges, gathers the pieces of each call by id, and writes each call\n"
                    + "once, with its sorted parents and children and a status, to topic calls.stitched.",
            allFlags());

    public final KafkaJobOptions kafka;
    public final String inputTopic;
    public final String outputTopic;
    public final String deadLetterTopic;
    public final OutputFormat outputFormat;
    public final Timing timing;

    public AssembleOptions(FlagSet.Values values) throws UsageException {
        this.kafka = new KafkaJobOptions(values, GROUP_ID);
        this.inputTopic = values.get(INPUT_TOPIC);
        this.outputTopic = values.get(OUTPUT_TOPIC);
        this.deadLetterTopic = values.get(DEAD_LETTER_TOPIC);
        this.outputFormat = values.get(OUTPUT_FORMAT);
        this.timing = Timing.from(values);
        if (inputTopic.equals(outputTopic)) {
            throw new UsageException("flags --" + INPUT_TOPIC.name() + " and --" + OUTPUT_TOPIC.name()
                    + " name the same topic " + inputTopic);
        }
    }

    /**
     * Parses the arguments without exiting: {@code --help} prints to {@code helpOut} and raises
     * {@link Cli.HelpShown}; a mistake raises {@link UsageException} naming the flag.
     */
    public static AssembleOptions parse(String[] args, PrintStream helpOut) throws UsageException, Cli.HelpShown {
        return Cli.parse(FLAGS, args, AssembleOptions::new, helpOut);
    }

    /** Parses the arguments, or ends the program with help (exit 0) or one line of error (exit 2). */
    public static AssembleOptions parseOrExit(String[] args) {
        return Cli.parseOrExit(FLAGS, args, AssembleOptions::new);
    }

    private static List<Flag<?>> allFlags() {
        List<Flag<?>> flags = new ArrayList<>(List.of(INPUT_TOPIC, OUTPUT_TOPIC, DEAD_LETTER_TOPIC, OUTPUT_FORMAT, GROUP_ID));
        flags.addAll(settingsFlags());
        flags.addAll(KafkaJobOptions.FLAGS);
        return flags;
    }
}
