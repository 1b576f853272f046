package io.callstitch.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * A file holding the pid of a child JVM, so that a later command (another JVM, a script) can find and stop it.
 * A pid file may outlive its process, and the pid may then name an unrelated one: it is only ever trusted
 * together with {@link ChildJvm#runs}.
 */
public final class PidFile {
    private final Path file;

    public PidFile(Path file) {
        this.file = file.toAbsolutePath().normalize();
    }

    public Path path() {
        return file;
    }

    public void write(long pid) {
        try {
            Files.createDirectories(file.getParent());
            Files.write(file, (pid + "\n").getBytes(StandardCharsets.US_ASCII));
        } catch (IOException e) {
            throw new UncheckedIOException("could not write the pid file " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * The pid in the file, or empty when there is no file.
     *
     * @throws IllegalStateException when the file holds something else: the user must look at it
     */
    public OptionalLong read() {
        if (!Files.exists(file)) {
            return OptionalLong.empty();
        }
        String text;
        try {
            text = new String(Files.readAllBytes(file), StandardCharsets.US_ASCII).trim();
        } catch (IOException e) {
            // gone between the check and the read: no pid
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(Long.parseLong(text));
        } catch (NumberFormatException e) {
            throw new IllegalStateException("pid file " + file + " does not hold a pid ('" + text + "'); remove it by hand");
        }
    }

    /** Removes the file if it still names {@code pid}: a newer process's file is left alone. */
    public void deleteIfOwnedBy(long pid) {
        OptionalLong current = read();
        if (current.isPresent() && current.getAsLong() == pid) {
            delete();
        }
    }

    public void delete() {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException("could not remove the pid file " + file + ": " + e.getMessage(), e);
        }
    }
}
