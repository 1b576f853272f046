package io.callstitch.tools.demo;

import java.util.List;
import io.callstitch.assemble.AssembleOptions;
import io.callstitch.chains.ChainsOptions;
import io.callstitch.match.MatchOptions;
import io.callstitch.rekey.RekeyOptions;
import org.apache.kafka.clients.admin.NewTopic;

/** One set of the pipeline's topics: the jobs' default names, or the same under a prefix. */
public final class PipelineTopics {
    /** The raw topic's partitions, as the probes write them. */
    public static final int RAW_PARTITIONS = 5;
    /** The partitions of every other topic the local tools create, unless told otherwise. */
    public static final int PARTITIONS = 5;
    /** The topic Zipkin's Kafka collector reads by default. */
    public static final String ZIPKIN = "zipkin";

    public final String raw;
    public final String byIp;
    public final String edges;
    public final String stitched;
    public final String deadLetter;
    public final String chainsWalk;
    public final String chainsStats;
    /** The topic Zipkin's Kafka collector reads by default. */
    public final String zipkin;

    private PipelineTopics(String prefix) {
        raw = prefix + RekeyOptions.INPUT_TOPIC.defaultText();
        byIp = prefix + RekeyOptions.OUTPUT_TOPIC.defaultText();
        deadLetter = prefix + RekeyOptions.DEAD_LETTER_TOPIC.defaultText();
        edges = prefix + MatchOptions.OUTPUT_TOPIC.defaultText();
        stitched = prefix + AssembleOptions.OUTPUT_TOPIC.defaultText();
        chainsWalk = prefix + ChainsOptions.WALK_TOPIC.defaultText();
        chainsStats = prefix + ChainsOptions.OUTPUT_TOPIC.defaultText();
        zipkin = prefix + ZIPKIN;
    }

    /** The names the jobs use by default. */
    public static PipelineTopics defaults() {
        return new PipelineTopics("");
    }

    /** The default names under {@code prefix.}, so that several pipelines can share a broker. */
    public static PipelineTopics prefixed(String prefix) {
        return new PipelineTopics(prefix + ".");
    }

    /** The topics with 5 raw partitions (as the probes write them) and {@code partitions} for the others. */
    public List<NewTopic> all(int partitions) {
        short one = 1;
        return List.of(new NewTopic(raw, RAW_PARTITIONS, one), new NewTopic(byIp, partitions, one),
                new NewTopic(edges, partitions, one), new NewTopic(stitched, partitions, one), new NewTopic(deadLetter, 1, one),
                new NewTopic(chainsWalk, partitions, one), new NewTopic(chainsStats, partitions, one), new NewTopic(zipkin, 1, one));
    }
}
