package io.callstitch.infra;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Starting, recognising and stopping a child JVM: what the local broker, the local Zipkin server and the local
 * Flink cluster share. The broker and Zipkin use it from Java; {@code deploy/local/flink} through {@link #main}
 * ({@code start}, {@code alive}, {@code stop}), so the script signals a pid only after the same check.
 *
 * <p>A process is recognised by its command line, never by its pid alone: a pid file that outlived its JVM may
 * name an unrelated process by now. It is stopped gently first (SIGTERM: Kafka, Flink and Zipkin all shut down
 * cleanly on it), by force after a grace period.
 */
public final class ChildJvm {
    private static final Duration KILL_WAIT = Duration.ofSeconds(10);
    private static final Duration EXEC_WAIT = Duration.ofSeconds(5);
    private static final Duration DEFAULT_GRACE = Duration.ofSeconds(30);
    private static final String PROGRAM = "ChildJvm";

    private ChildJvm() {}

    /** The java executable of the running JVM. */
    public static Path java() {
        return Path.of(System.getProperty("java.home"), "bin", "java");
    }

    /**
     * Starts {@code command} with its output appended to {@code logFile} and nothing on its stdin (no pipe ties
     * it to this JVM: a surefire fork talks on its stdin). A detached process gets a session of its own, so the
     * terminal's SIGINT or SIGHUP meant for the command that started it never reaches it; setsid execs in place,
     * so the pid stays the JVM's.
     */
    public static Process start(List<String> command, Path logFile, boolean detached) throws IOException {
        List<String> full = new ArrayList<>();
        Optional<String> setsid = detached ? setsid() : Optional.empty();
        setsid.ifPresent(full::add);
        full.addAll(command);
        Path log = logFile.toAbsolutePath();
        Files.createDirectories(log.getParent());
        Process process = new ProcessBuilder(full)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .start();
        if (setsid.isPresent()) {
            awaitExec(process.toHandle(), command.get(0));
        }
        return process;
    }

    /**
     * Until the command is exec'd, the pid runs something else: a copy of this JVM just forked, the JDK's spawn
     * helper, then setsid. A check in that instant would not recognise it, so this waits for the command's own
     * program in the pid's command line.
     */
    private static void awaitExec(ProcessHandle process, String program) throws IOException {
        long deadline = System.nanoTime() + EXEC_WAIT.toNanos();
        while (process.isAlive() && System.nanoTime() < deadline) {
            Optional<String> line = commandLine(process);
            if (line.isPresent() && line.get().startsWith(program + " ")) {
                return;
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while starting " + process.pid());
            }
        }
    }

    /**
     * True only for a live java process whose command line runs {@code mainClass} (a whole word of it) and holds
     * {@code argument} (its config file or dir: what tells this instance from another one of the same program).
     */
    public static boolean runs(ProcessHandle process, String mainClass, String argument) {
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
                && line.contains(" " + mainClass + " ") && line.contains(argument);
    }

    /** The live process {@code pidFile} names, if it {@link #runs} {@code mainClass} with {@code argument}. */
    public static Optional<ProcessHandle> running(PidFile pidFile, String mainClass, String argument) {
        OptionalLong pid = pidFile.read();
        if (pid.isEmpty()) {
            return Optional.empty();
        }
        return ProcessHandle.of(pid.getAsLong()).filter(process -> runs(process, mainClass, argument));
    }

    /** SIGTERM, up to {@code grace} to exit, then SIGKILL. Returns true once the process is gone. */
    public static boolean stop(ProcessHandle process, Duration grace) throws InterruptedException {
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

    /** {@link #stop}, where an interrupt shortens the grace instead of leaving the process behind. */
    public static boolean stopUninterruptibly(ProcessHandle process, Duration grace) {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return stop(process, grace);
                } catch (InterruptedException e) {
                    interrupted = true;
                    grace = Duration.ZERO;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Waits up to {@code timeout} for the process to exit; true when it has. */
    public static boolean awaitExit(ProcessHandle process, Duration timeout) throws InterruptedException {
        try {
            process.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException | ExecutionException e) {
            return !process.isAlive();
        }
    }

    /**
     * Where a child JVM's jars are: the system property {@code property} when set (the build and the scripts set
     * it), else {@code relative} under the nearest directory, from the current one upwards, that holds
     * {@code marker} (a file of the repository), else {@code relative} under the current directory.
     */
    public static Path located(String property, String marker, String relative) {
        String value = System.getProperty(property);
        if (value != null && !value.isBlank()) {
            return Path.of(value).toAbsolutePath().normalize();
        }
        Path current = Path.of("").toAbsolutePath();
        for (Path dir = current; dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve(marker))) {
                return dir.resolve(relative);
            }
        }
        return current.resolve(relative);
    }

    /** The full command line, read from /proc on Linux because ProcessHandle.Info may be cut short or absent. */
    private static Optional<String> commandLine(ProcessHandle process) {
        Path proc = Path.of("/proc", Long.toString(process.pid()), "cmdline");
        try {
            if (Files.isReadable(proc)) {
                String raw = new String(Files.readAllBytes(proc), StandardCharsets.UTF_8);
                // arguments are NUL-terminated; the trailing space keeps " MainClass " matchable at the end
                return Optional.of(raw.replace('\0', ' '));
            }
        } catch (IOException e) {
            // the process may have exited meanwhile; fall back to what the JDK can tell
        }
        return process.info().commandLine().map(line -> line + " ");
    }

    private static Optional<String> setsid() {
        for (String candidate : List.of("/usr/bin/setsid", "/bin/setsid")) {
            if (Files.isExecutable(Path.of(candidate))) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /**
     * The same for scripts, one line out and an exit code:
     * <pre>
     *   ChildJvm start --pid-file F --log F -- COMMAND ...     starts COMMAND detached, writes its pid; exit 0
     *   ChildJvm alive --pid-file F --main CLASS --arg TEXT     exit 0 when F names a live JVM of CLASS with TEXT, else 1
     *   ChildJvm stop  --pid-file F --main CLASS --arg TEXT [--name WHAT] [--grace-seconds 30]
     *       stops that JVM (TERM, then KILL) if F names it, and forgets F either way; exit 0
     * </pre>
     * A usage error exits 2, a process that survives SIGKILL 1.
     */
    public static void main(String[] args) {
        System.exit(run(args));
    }

    static int run(String[] args) {
        if (args.length == 0) {
            return usage("no command");
        }
        String command = args[0];
        String pidFile = null;
        String log = null;
        String main = null;
        String argument = null;
        String name = "process";
        Duration grace = DEFAULT_GRACE;
        List<String> child = List.of();
        for (int i = 1; i < args.length; i++) {
            String flag = args[i];
            if (flag.equals("--")) {
                child = Arrays.asList(args).subList(i + 1, args.length);
                break;
            }
            if (i + 1 >= args.length) {
                return usage("flag " + flag + " needs a value");
            }
            String value = args[++i];
            switch (flag) {
                case "--pid-file":
                    pidFile = value;
                    break;
                case "--log":
                    log = value;
                    break;
                case "--main":
                    main = value;
                    break;
                case "--arg":
                    argument = value;
                    break;
                case "--name":
                    name = value;
                    break;
                case "--grace-seconds":
                    try {
                        grace = Duration.ofSeconds(Long.parseLong(value));
                    } catch (NumberFormatException e) {
                        return usage("--grace-seconds must be a whole number, got '" + value + "'");
                    }
                    break;
                default:
                    return usage("unknown flag " + flag);
            }
        }
        if (pidFile == null) {
            return usage("--pid-file is required");
        }
        PidFile file = new PidFile(Path.of(pidFile));
        try {
            switch (command) {
                case "start":
                    if (log == null || child.isEmpty()) {
                        return usage("start needs --log and a command after --");
                    }
                    Process process = start(child, Path.of(log), true);
                    file.write(process.pid());
                    System.out.println(process.pid());
                    return 0;
                case "alive":
                    if (main == null || argument == null) {
                        return usage("alive needs --main and --arg");
                    }
                    return running(file, main, argument).isPresent() ? 0 : 1;
                case "stop":
                    if (main == null || argument == null) {
                        return usage("stop needs --main and --arg");
                    }
                    return stop(file, main, argument, name, grace);
                default:
                    return usage("unknown command " + command);
            }
        } catch (IOException | RuntimeException e) {
            System.err.println(PROGRAM + ": " + e.getMessage());
            return 1;
        }
    }

    private static int stop(PidFile file, String main, String argument, String name, Duration grace) {
        OptionalLong pid = file.read();
        if (pid.isEmpty()) {
            return 0;
        }
        Optional<ProcessHandle> process = running(file, main, argument);
        if (process.isEmpty()) {
            System.err.println(PROGRAM + ": " + file.path() + " names no " + name + " of this instance (pid " + pid.getAsLong()
                    + "); left alone");
            file.delete();
            return 0;
        }
        if (!stopUninterruptibly(process.get(), grace)) {
            System.err.println(PROGRAM + ": the " + name + " (pid " + pid.getAsLong() + ") is still alive after SIGKILL");
            return 1;
        }
        file.deleteIfOwnedBy(pid.getAsLong());
        System.out.println("stopped the " + name + " (pid " + pid.getAsLong() + ")");
        return 0;
    }

    private static int usage(String problem) {
        System.err.println(PROGRAM + ": " + problem + "; usage: " + PROGRAM + " start|alive|stop --pid-file F ... (see its Javadoc)");
        return 2;
    }
}
