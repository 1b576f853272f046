package io.callstitch.deploy.kafka;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * {@code <data-dir>/broker.pid}: the pid of the broker that serves a data dir, so a later command
 * (another JVM) can find and stop it.
 */
final class PidFile {
    static final String NAME = "broker.pid";

    private PidFile() {}

    static Path of(Path dataDir) {
        return dataDir.resolve(NAME);
    }

    static void write(Path dataDir, long pid) throws IOException {
        Files.write(of(dataDir), (pid + "\n").getBytes(StandardCharsets.US_ASCII));
    }

    /** The pid in the file, or empty when there is no file. */
    static OptionalLong read(Path dataDir) throws IOException {
        Path file = of(dataDir);
        if (!Files.exists(file)) {
            return OptionalLong.empty();
        }
        String text = new String(Files.readAllBytes(file), StandardCharsets.US_ASCII).trim();
        try {
            return OptionalLong.of(Long.parseLong(text));
        } catch (NumberFormatException e) {
            throw new LocalKafkaException("pid file " + file + " does not hold a pid ('" + text + "'); remove it by hand");
        }
    }

    /** Removes the file if it still names {@code pid}: a newer broker's file is left alone. */
    static void deleteIfOwnedBy(Path dataDir, long pid) throws IOException {
        OptionalLong current = read(dataDir);
        if (current.isPresent() && current.getAsLong() == pid) {
            Files.deleteIfExists(of(dataDir));
        }
    }

    static void delete(Path dataDir) throws IOException {
        Files.deleteIfExists(of(dataDir));
    }
}
