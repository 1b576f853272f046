package io.callstitch.common;

import java.io.IOException;
import java.io.Reader;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;

/**
 * Kafka client settings from a properties file ({@code --kafka-config}): security (SASL, TLS), batching,
 * timeouts. A plain key applies to every client of the job; a key prefixed {@code producer.},
 * {@code consumer.} or {@code admin.} to that client only, and wins over the plain one. Keys that carry
 * callstitch's guarantees or have a flag of their own are refused. Values are never printed: a file
 * like this holds passwords.
 */
public final class KafkaClientConfig implements Serializable {
    private static final long serialVersionUID = 1L;

    /** The clients a job makes. */
    public enum Client {
        PRODUCER("producer."),
        CONSUMER("consumer."),
        ADMIN("admin.");

        final String prefix;

        Client(String prefix) {
            this.prefix = prefix;
        }
    }

    /** Settings the job owns: exactly-once and the topics' wiring depend on them, or a flag sets them. */
    private static final Set<String> OWNED = Set.of("bootstrap.servers", "group.id", "isolation.level", "enable.idempotence",
            "transactional.id", "transaction.timeout.ms", "enable.auto.commit", "key.serializer", "value.serializer",
            "key.deserializer", "value.deserializer");

    private static final KafkaClientConfig NONE = new KafkaClientConfig(new TreeMap<>());

    private final TreeMap<String, String> settings;

    private KafkaClientConfig(TreeMap<String, String> settings) {
        this.settings = settings;
    }

    /** No settings beyond the job's own. */
    public static KafkaClientConfig none() {
        return NONE;
    }

    /** Reads a properties file; a missing or unreadable file, or an owned key, is a usage error naming it. */
    public static KafkaClientConfig load(String file) throws UsageException {
        Path path = Paths.get(file);
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
            properties.load(reader);
        } catch (NoSuchFileException e) {
            throw new UsageException("Kafka client settings file " + file + " does not exist");
        } catch (IOException | IllegalArgumentException e) {
            throw new UsageException("cannot read Kafka client settings file " + file + ": " + e.getMessage());
        }
        TreeMap<String, String> settings = new TreeMap<>();
        for (String key : properties.stringPropertyNames()) {
            String bare = key;
            for (Client client : Client.values()) {
                if (key.startsWith(client.prefix)) {
                    bare = key.substring(client.prefix.length());
                }
            }
            if (OWNED.contains(bare)) {
                throw new UsageException("Kafka client settings file " + file + " sets " + key
                        + ", which callstitch sets itself (" + ownedHint(bare) + ")");
            }
            settings.put(key, properties.getProperty(key));
        }
        return new KafkaClientConfig(settings);
    }

    private static String ownedHint(String key) {
        switch (key) {
            case "bootstrap.servers":
                return "use --bootstrap";
            case "group.id":
                return "use --group-id";
            case "transaction.timeout.ms":
                return "use --transaction-timeout-ms";
            default:
                return "it carries the delivery guarantee";
        }
    }

    /** Puts the settings for {@code client} into {@code props}: plain keys, then that client's prefixed ones. */
    public void applyTo(Properties props, Client client) {
        for (Map.Entry<String, String> entry : settings.entrySet()) {
            boolean prefixed = false;
            for (Client any : Client.values()) {
                prefixed |= entry.getKey().startsWith(any.prefix);
            }
            if (!prefixed) {
                props.setProperty(entry.getKey(), entry.getValue());
            }
        }
        for (Map.Entry<String, String> entry : settings.entrySet()) {
            if (entry.getKey().startsWith(client.prefix)) {
                props.setProperty(entry.getKey().substring(client.prefix.length()), entry.getValue());
            }
        }
    }

    /** The keys only, never the values. */
    @Override
    public String toString() {
        return "Kafka client settings " + settings.keySet();
    }
}
