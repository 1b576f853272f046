package io.callstitch.infra.kafka;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** The line of a broker log worth quoting in a one-line failure message. */
final class LogTail {
    // the cause of a failed start is near the end; reading only the tail keeps a huge log cheap
    private static final int TAIL_BYTES = 64 * 1024;

    private LogTail() {}

    /** {@code see <log>} plus the last ERROR or exception line of the log, or its last line. */
    static String describe(Path log) {
        String line = lastProblem(log);
        return "see " + log + (line.isEmpty() ? "" : " (last: " + line + ")");
    }

    static String lastProblem(Path log) {
        String tail;
        try (RandomAccessFile file = new RandomAccessFile(log.toFile(), "r")) {
            long start = Math.max(0, file.length() - TAIL_BYTES);
            byte[] bytes = new byte[(int) (file.length() - start)];
            file.seek(start);
            file.readFully(bytes);
            tail = new String(bytes, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
        String last = "";
        String problem = "";
        for (String line : tail.split("\n")) {
            String trimmed = line.trim();
            if (trimmed.isEmpty()) {
                continue;
            }
            last = trimmed;
            if (trimmed.contains("ERROR") || trimmed.contains("Exception") || trimmed.contains("Error:")) {
                problem = trimmed;
            }
        }
        return problem.isEmpty() ? last : problem;
    }
}
