package io.callstitch.it;

import java.util.List;
import org.apache.kafka.clients.admin.NewTopic;

/** One set of the pipeline's topics under a prefix, so that each test has its own. */
final class Topics {
    static final int RAW_PARTITIONS = 5;

    final String raw;
    final String byIp;
    final String edges;
    final String stitched;
    final String deadLetter;

    Topics(String prefix) {
        raw = prefix + ".calls.raw";
        byIp = prefix + ".calls.by-ip";
        edges = prefix + ".calls.edges";
        stitched = prefix + ".calls.stitched";
        deadLetter = prefix + ".calls.dead-letter";
    }

    List<NewTopic> all() {
        return List.of(new NewTopic(raw, RAW_PARTITIONS, (short) 1), new NewTopic(byIp, 4, (short) 1),
                new NewTopic(edges, 4, (short) 1), new NewTopic(stitched, 3, (short) 1), new NewTopic(deadLetter, 2, (short) 1));
    }
}
