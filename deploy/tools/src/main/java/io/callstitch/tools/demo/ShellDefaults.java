package io.callstitch.tools.demo;

import java.util.LinkedHashMap;
import java.util.Map;
import io.callstitch.common.KafkaJobOptions;

/**
 * The defaults the shell scripts in deploy/local need, printed as {@code name=value} lines for {@code eval}:
 * the scripts take them from the options classes through this, and never type a topic name, port or
 * partition count of their own.
 */
public final class ShellDefaults {
    private ShellDefaults() {}

    /** The values, by the shell variable they are assigned to. */
    static Map<String, String> values() {
        PipelineTopics topics = PipelineTopics.defaults();
        Map<String, String> values = new LinkedHashMap<>();
        values.put("default_bootstrap", KafkaJobOptions.BOOTSTRAP.defaultText());
        values.put("default_by_ip_topic", topics.byIp);
        values.put("default_edges_topic", topics.edges);
        values.put("default_stitched_topic", topics.stitched);
        values.put("default_dead_letter_topic", topics.deadLetter);
        values.put("default_partitions", Integer.toString(PipelineTopics.PARTITIONS));
        return values;
    }

    public static void main(String[] args) {
        for (Map.Entry<String, String> entry : values().entrySet()) {
            // the values are topic names and host:port lists: no quoting is needed, and a value that would need it is a bug here
            if (!entry.getValue().matches("[A-Za-z0-9._:,-]+")) {
                throw new IllegalStateException("not a plain shell word: " + entry);
            }
            System.out.println(entry.getKey() + "=" + entry.getValue());
        }
    }
}
