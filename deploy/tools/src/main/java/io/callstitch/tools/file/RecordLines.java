package io.callstitch.tools.file;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A file of records, one per line, read as bytes: a line that is not valid UTF-8 is still a record
 * (and a dead letter with its original bytes), not an exception. Blank lines are not records.
 */
public final class RecordLines {
    private RecordLines() {}

    /** Receives each record; returns false to stop reading. */
    @FunctionalInterface
    public interface Reader {
        boolean record(byte[] bytes, long lineNumber) throws Exception;
    }

    public static void read(Path file, Reader reader) throws Exception {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            ByteArrayOutputStream line = new ByteArrayOutputStream(256);
            long lineNumber = 0;
            while (true) {
                int b = in.read();
                if (b != '\n' && b != -1) {
                    line.write(b);
                    continue;
                }
                lineNumber++;
                byte[] bytes = withoutCarriageReturn(line.toByteArray());
                line.reset();
                if (!isBlank(bytes) && !reader.record(bytes, lineNumber)) {
                    return;
                }
                if (b == -1) {
                    return;
                }
            }
        }
    }

    private static byte[] withoutCarriageReturn(byte[] bytes) {
        if (bytes.length > 0 && bytes[bytes.length - 1] == '\r') {
            byte[] trimmed = new byte[bytes.length - 1];
            System.arraycopy(bytes, 0, trimmed, 0, trimmed.length);
            return trimmed;
        }
        return bytes;
    }

    private static boolean isBlank(byte[] bytes) {
        for (byte b : bytes) {
            if (b != ' ' && b != '\t') {
                return false;
            }
        }
        return true;
    }
}
