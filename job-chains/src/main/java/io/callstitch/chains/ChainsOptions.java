package io.callstitch.chains;

import io.callstitch.common.Cli;
import io.callstitch.common.Flag;
import io.callstitch.common.FlagSet;
import io.callstitch.common.KafkaJobOptions;
import io.callstitch.common.UsageException;
import java.io.PrintStream;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.annotation.Nullable;

/** The flags of job-chains; {@code --help} lists them. */
public final class ChainsOptions implements Serializable {
    private static final long serialVersionUID = 1L;

    /** A format of the stitched calls or of the chain summaries. */
    public enum Format {
        /** Avro binary, as the other callstitch topics. */
        AVRO,
        /** One JSON object per record. */
        JSON
    }

    /** Which parent-child pairs make a chain. */
    public enum ChainsBy {
        /** Each call under its best parent: one tree per real request, as the timing model sees it. */
        BEST_PARENT,
        /** Every pair of the rule: a call under each of its parents, coincidences included. */
        RULE
    }

    public static final Flag<ChainsBy> CHAINS_BY = Flag.choice("chains-by", ChainsBy.BEST_PARENT,
            "what joins calls into chains: best-parent (each call under its best parent: one tree per real request) or rule (every parent by the rule)",
            ChainsBy.class);
    public static final Flag<String> INPUT_TOPIC =
            Flag.text("input-topic", "calls.stitched", "topic of the stitched calls written by job-assemble");
    public static final Flag<Format> INPUT_FORMAT = Flag.choice("input-format", Format.AVRO,
            "format of the stitched calls: avro or json, as job-assemble's --output-format", Format.class);
    public static final Flag<String> WALK_TOPIC = Flag.text("walk-topic", "chains.walk",
            "topic this job writes to and reads back to walk down the chains, keyed by call id; no other job uses it");
    public static final Flag<String> OUTPUT_TOPIC =
            Flag.text("output-topic", "chains.stats", "topic the chain summaries are written to, keyed by root id");
    public static final Flag<Format> OUTPUT_FORMAT = Flag.choice("output-format", Format.AVRO,
            "format of the chain summaries: avro or json (one object per record)", Format.class);
    public static final Flag<String> DEAD_LETTER_TOPIC = KafkaJobOptions.deadLetterTopicFlag(
            "topic for records of the input and walk topics that do not decode, each with its bytes, partition and offset");
    public static final Flag<String> ZIPKIN_TOPIC = Flag.optionalText("zipkin-topic",
            "topic to write one Zipkin v2 span per call to, as JSON lists (what Zipkin's Kafka collector reads)");
    public static final Flag<Long> CHAIN_TIMEOUT_MS = Flag.positiveLong("chain-timeout-ms", "600000",
            "processing time after which a call still waiting for its parents, or a chain for its calls, is ended anyway");
    public static final Flag<Integer> MAX_HOPS = Flag.positiveInt("max-hops", "5000",
            "the most parent-child pairs one summary lists (the rest are counted in hops_omitted), to stay under Kafka's message size");
    public static final Flag<String> GROUP_ID = KafkaJobOptions.groupIdFlag("callstitch-chains");

    public static final FlagSet FLAGS = new FlagSet("job-chains",
            "Reads the stitched calls of topic calls.stitched, walks every chain down from its root (a call without\n"
                    + "a best parent, or without parents with --chains-by rule) over topic chains.walk, and writes one summary\n"
                    + "per chain with at least one child to topic chains.stats once the chain is complete; optionally one\n"
                    + "Zipkin span per call.",
            allFlags());

    public final KafkaJobOptions kafka;
    public final String inputTopic;
    public final Format inputFormat;
    public final String walkTopic;
    public final String outputTopic;
    public final Format outputFormat;
    public final String deadLetterTopic;
    /** Null when no spans are written. */
    @Nullable public final String zipkinTopic;
    public final long chainTimeoutMs;
    public final int maxHops;
    public final ChainsBy chainsBy;

    public ChainsOptions(FlagSet.Values values) throws UsageException {
        this.kafka = new KafkaJobOptions(values, GROUP_ID);
        this.inputTopic = values.get(INPUT_TOPIC);
        this.inputFormat = values.get(INPUT_FORMAT);
        this.walkTopic = values.get(WALK_TOPIC);
        this.outputTopic = values.get(OUTPUT_TOPIC);
        this.outputFormat = values.get(OUTPUT_FORMAT);
        this.deadLetterTopic = values.get(DEAD_LETTER_TOPIC);
        this.zipkinTopic = values.get(ZIPKIN_TOPIC);
        this.chainTimeoutMs = values.get(CHAIN_TIMEOUT_MS);
        this.maxHops = values.get(MAX_HOPS);
        this.chainsBy = values.get(CHAINS_BY);
        Set<String> topics = new HashSet<>();
        List<Flag<String>> topicFlags = zipkinTopic == null
                ? List.of(INPUT_TOPIC, WALK_TOPIC, OUTPUT_TOPIC) : List.of(INPUT_TOPIC, WALK_TOPIC, OUTPUT_TOPIC, ZIPKIN_TOPIC);
        for (Flag<String> flag : topicFlags) {
            if (!topics.add(values.get(flag))) {
                throw new UsageException("flag --" + flag.name() + " names topic " + values.get(flag)
                        + ", which another topic flag names too; each needs a topic of its own");
            }
        }
    }

    /**
     * Parses the arguments without exiting: {@code --help} prints to {@code helpOut} and raises
     * {@link Cli.HelpShown}; a mistake raises {@link UsageException} naming the flag.
     */
    public static ChainsOptions parse(String[] args, PrintStream helpOut) throws UsageException, Cli.HelpShown {
        return Cli.parse(FLAGS, args, ChainsOptions::new, helpOut);
    }

    /** Parses the arguments, or ends the program with help (exit 0) or one line of error (exit 2). */
    public static ChainsOptions parseOrExit(String[] args) {
        return Cli.parseOrExit(FLAGS, args, ChainsOptions::new);
    }

    private static List<Flag<?>> allFlags() {
        List<Flag<?>> flags = new ArrayList<>(List.of(INPUT_TOPIC, INPUT_FORMAT, WALK_TOPIC, OUTPUT_TOPIC, OUTPUT_FORMAT,
                DEAD_LETTER_TOPIC, ZIPKIN_TOPIC, CHAINS_BY, CHAIN_TIMEOUT_MS, MAX_HOPS, GROUP_ID));
        flags.addAll(KafkaJobOptions.FLAGS);
        return flags;
    }
}
