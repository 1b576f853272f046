package io.callstitch.deploy.kafka;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Recognising a broker process by its pid, and stopping it: gently first, by force after a deadline. */
final class BrokerProcesses {
    static final String MAIN_CLASS = "kafka.Kafka";
    private static final Duration KILL_WAIT = Duration.ofSeconds(10);

    private BrokerProcesses() {}

    /**
     * True only for a live java process whose command line runs {@code kafka.Kafka} on this data dir's
     * server.properties: a pid file that outlived its broker may name an unrelated process by now.
     */
    static boolean isBrokerOf(ProcessHandle process, Path dataDir) {
        if (!process.isAlive()) {
            return false;
        }
        Optional<String> commandLine = commandLine(process);
        if (commandLine.isEmpty()) {
            return false;
        }
        String line = commandLine.get();
        String program = line.split(" ", 2)[0];
        return Path.of(program).getFileName().toString().equals("java")
                && line.contains(" " + MAIN_CLASS + " ")
                && line.contains(dataDir.toAbsolutePath().normalize().resolve(BrokerConfigFiles.SERVER_PROPERTIES).toString());
    }

    /**
     * Sends SIGTERM (the broker then shuts down cleanly), waits up to {@code grace}, then SIGKILL.
     * Returns true once the process is gone.
     */
    static boolean stop(ProcessHandle process, Duration grace) throws InterruptedException {
        if (!process.isAlive()) {
            return true;
        }
        process.destroy();
        if (awaitExit(process, grace)) {
            return true;
        }
        process.destroyForcibly();
        return awaitExit(process, KILL_WAIT);
    }

    static boolean awaitExit(ProcessHandle process, Duration timeout) throws InterruptedException {
        try {
            process.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return !process.isAlive();
        } catch (ExecutionException e) {
            return !process.isAlive();
        }
    }

    /** The full command line, read from /proc on Linux because ProcessHandle.Info may be cut short or absent. */
    private static Optional<String> commandLine(ProcessHandle process) {
        Path proc = Path.of("/proc", Long.toString(process.pid()), "cmdline");
        try {
            if (Files.isReadable(proc)) {
                String raw = new String(Files.readAllBytes(proc), StandardCharsets.UTF_8);
                // arguments are NUL-terminated; the trailing space keeps " kafka.Kafka " matchable at the end
                return Optional.of(raw.replace('\0', ' '));
            }
        } catch (IOException e) {
            // the process may have exited meanwhile; fall back to what the JDK can tell
        }
        return process.info().commandLine().map(line -> line + " ");
    }
}
