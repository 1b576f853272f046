package io.callstitch.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A Flink standalone cluster started by {@code deploy/local/flink} (JobManager and TaskManager JVMs
 * from Maven Central jars), driven as a user drives it: the script, the job jars through the Flink CLI,
 * the REST API, and the processes' pids for faults.
 */
final class LocalCluster implements AutoCloseable {
    static final Path ROOT = Paths.get(System.getProperty("callstitch.samples")).resolve("../../..").normalize();

    final Path dataDir;
    final String restUrl;
    private final List<String> jobFlags;

    private LocalCluster(Path dataDir, String restUrl, List<String> jobFlags) {
        this.dataDir = dataDir;
        this.restUrl = restUrl;
        this.jobFlags = jobFlags;
    }

    /** @param jobFlags flags (name, value pairs) every submitted job gets, unless it is given the flag itself */
    static LocalCluster up(int slots, List<String> jobFlags) throws Exception {
        Path dataDir = Files.createTempDirectory("callstitch-flink");
        int rest = freePort();
        LocalCluster cluster = new LocalCluster(dataDir, "http://127.0.0.1:" + rest, jobFlags);
        cluster.flink("up", "--rest-port", Integer.toString(rest), "--rpc-port", Integer.toString(freePort()), "--slots",
                Integer.toString(slots));
        return cluster;
    }

    @Override
    public void close() throws Exception {
        flink("down");
    }

    /** Submits a job jar through the Flink CLI; returns its job id. */
    String submit(String job, List<String> flags) throws Exception {
        List<String> args = new ArrayList<>(List.of("submit", job));
        for (int i = 0; i + 1 < jobFlags.size(); i += 2) {
            if (!flags.contains(jobFlags.get(i))) {
                args.add(jobFlags.get(i));
                args.add(jobFlags.get(i + 1));
            }
        }
        args.addAll(flags);
        String out = flink(args.toArray(new String[0]));
        Matcher id = Pattern.compile("JobID ([0-9a-f]{32})").matcher(out);
        assertTrue(id.find(), out);
        return id.group(1);
    }

    /** Stops the job with a savepoint; returns the savepoint's path. */
    String stopWithSavepoint(String jobId) throws Exception {
        String out = flink("stop", jobId);
        Matcher path = Pattern.compile("Savepoint completed\\. Path: (\\S+)").matcher(out);
        assertTrue(path.find(), out);
        return path.group(1);
    }

    void cancel(String jobId) throws Exception {
        flink("cancel", jobId);
    }

    /** The newest complete checkpoint the cluster retained for the job (a directory to resume from). */
    String latestCheckpoint(String jobId) throws IOException {
        Optional<Path> latest = completeCheckpoint(jobId);
        assertTrue(latest.isPresent(), "no complete checkpoint of job " + jobId + " in " + dataDir.resolve("checkpoints").resolve(jobId));
        return latest.get().toUri().toString();
    }

    /** Waits until the job has completed a checkpoint, so that a cancel leaves one retained to resume from. */
    void awaitCompleteCheckpoint(String jobId, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (completeCheckpoint(jobId).isEmpty()) {
            assertTrue(System.nanoTime() < deadline, "job " + jobId + " completed no checkpoint within " + timeout.toSeconds() + " s");
            Thread.sleep(200);
        }
    }

    private Optional<Path> completeCheckpoint(String jobId) throws IOException {
        return checkpointDirs(jobId).stream().filter(dir -> Files.exists(dir.resolve("_metadata")))
                .max((a, b) -> Long.compare(number(a), number(b)));
    }

    /** The numbers of the job's complete checkpoints: those whose metadata the JobManager has written. */
    SortedSet<Long> completeCheckpoints(String jobId) throws IOException {
        SortedSet<Long> numbers = new TreeSet<>();
        for (Path dir : checkpointDirs(jobId)) {
            if (Files.exists(dir.resolve("_metadata"))) {
                numbers.add(number(dir));
            }
        }
        return numbers;
    }

    /**
     * The number of the newest checkpoint the JobManager has triggered for the job, complete or not (it makes
     * the checkpoint's directory as it triggers it), or 0.
     */
    long newestTriggeredCheckpoint(String jobId) throws IOException {
        return checkpointDirs(jobId).stream().mapToLong(LocalCluster::number).max().orElse(0);
    }

    private List<Path> checkpointDirs(String jobId) throws IOException {
        Path jobDir = dataDir.resolve("checkpoints").resolve(jobId);
        if (!Files.isDirectory(jobDir)) {
            return List.of();
        }
        try (Stream<Path> dirs = Files.list(jobDir)) {
            return dirs.filter(dir -> dir.getFileName().toString().startsWith("chk-")).collect(Collectors.toList());
        }
    }

    private static long number(Path checkpoint) {
        return Long.parseLong(checkpoint.getFileName().toString().substring("chk-".length()));
    }

    /** Kills the TaskManager JVM with SIGKILL, by its pid, and waits until it is gone. */
    long killTaskManager() throws Exception {
        ProcessHandle process = taskManager("taskmanager");
        process.destroyForcibly();
        process.onExit().get(60, TimeUnit.SECONDS);
        return process.pid();
    }

    /** Starts a TaskManager again ({@code deploy/local/flink taskmanager}). */
    void startTaskManager() throws Exception {
        flink("taskmanager");
    }

    /** Starts one more TaskManager ({@code deploy/local/flink taskmanager --name NAME --slots N}). */
    void startTaskManager(String name, int slots) throws Exception {
        flink("taskmanager", "--name", name, "--slots", Integer.toString(slots));
    }

    /** Freezes a TaskManager JVM with SIGSTOP, by its pid, as a stalled machine or a long pause would. */
    long pauseTaskManager(String name) throws Exception {
        ProcessHandle process = taskManager("taskmanager-" + name);
        signal("STOP", process.pid());
        return process.pid();
    }

    /** Lets a paused TaskManager JVM run on (SIGCONT). */
    void resumeTaskManager(String name) throws Exception {
        signal("CONT", taskManager("taskmanager-" + name).pid());
    }

    /** Freezes the first TaskManager JVM ({@code taskmanager}) with SIGSTOP, by its pid. */
    long pauseTaskManager() throws Exception {
        ProcessHandle process = taskManager("taskmanager");
        signal("STOP", process.pid());
        return process.pid();
    }

    /** Lets the paused first TaskManager JVM run on (SIGCONT). */
    void resumeTaskManager() throws Exception {
        signal("CONT", taskManager("taskmanager").pid());
    }

    /** Freezes the JobManager JVM with SIGSTOP, by its pid: what it is sent meanwhile waits in its sockets. */
    long pauseJobManager() throws Exception {
        ProcessHandle process = ours("jobmanager", "StandaloneSessionClusterEntrypoint");
        signal("STOP", process.pid());
        return process.pid();
    }

    /** Lets the paused JobManager JVM run on (SIGCONT). */
    void resumeJobManager() throws Exception {
        signal("CONT", ours("jobmanager", "StandaloneSessionClusterEntrypoint").pid());
    }

    /** The bytes a process of the cluster has logged so far ({@code log/NAME.out}). */
    long logSize(String name) throws IOException {
        Path log = dataDir.resolve("log").resolve(name + ".out");
        return Files.exists(log) ? Files.size(log) : 0;
    }

    /** What a process of the cluster has logged from byte {@code from} on. */
    String log(String name, long from) throws IOException {
        byte[] all = Files.readAllBytes(dataDir.resolve("log").resolve(name + ".out"));
        return new String(all, (int) Math.min(from, all.length), all.length - (int) Math.min(from, all.length), StandardCharsets.UTF_8);
    }

    private ProcessHandle taskManager(String pidFile) throws IOException {
        return ours(pidFile, "TaskManagerRunner");
    }

    /** The live process of the pid file, checked to run the role's main class on this cluster's config. */
    private ProcessHandle ours(String pidFile, String mainClass) throws IOException {
        long pid = Long.parseLong(Files.readString(dataDir.resolve(pidFile + ".pid")).trim());
        ProcessHandle process = ProcessHandle.of(pid).orElseThrow(() -> new AssertionError("no " + pidFile + " with pid " + pid));
        String command = process.info().commandLine().orElse("");
        assertTrue(command.contains(mainClass) && command.contains(dataDir.toString()), "pid " + pid
                + " is this cluster's " + pidFile + " JVM: " + command);
        return process;
    }

    private static void signal(String signal, long pid) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).redirectErrorStream(true).start();
        String output = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(kill.waitFor(10, TimeUnit.SECONDS));
        assertEquals(0, kill.exitValue(), "kill -" + signal + " " + pid + ": " + output);
    }

    /** The job's status as the REST API reports it. */
    String status(String jobId) throws Exception {
        Matcher state = Pattern.compile("\"state\":\"([A-Z]+)\"").matcher(get("/jobs/" + jobId));
        assertTrue(state.find());
        return state.group(1);
    }

    /** The failures the job has recovered from, as the REST API reports them ({@code /jobs/<id>/exceptions}). */
    String failures(String jobId) throws Exception {
        return get("/jobs/" + jobId + "/exceptions");
    }

    /** Waits until the job runs (every task deployed and running), with a deadline. */
    void awaitRunning(String jobId) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        Pattern counts = Pattern.compile("\"status-counts\":\\{([^}]*)\\}");
        while (System.nanoTime() < deadline) {
            String job = get("/jobs/" + jobId);
            Matcher count = counts.matcher(job);
            if (job.contains("\"state\":\"RUNNING\"") && count.find()
                    && !Pattern.compile("\"(CREATED|SCHEDULED|DEPLOYING|INITIALIZING)\":[1-9]").matcher(count.group(1)).find()) {
                return;
            }
            TimeUnit.MILLISECONDS.sleep(500);
        }
        throw new AssertionError("job " + jobId + " is not running after 3 minutes: " + get("/jobs/" + jobId));
    }

    /** Cancels every job of the cluster that still runs. */
    void cancelAll() throws Exception {
        Matcher running = Pattern.compile("\"jid\":\"([0-9a-f]{32})\",\"name\":\"[^\"]*\",\"state\":\"(RUNNING|RESTARTING|CREATED)\"")
                .matcher(get("/jobs/overview"));
        while (running.find()) {
            cancel(running.group(1));
        }
    }

    /** The REST API refreshes metrics every few seconds: poll, with a deadline, until the counter reaches {@code expected}. */
    long metricOnceSettled(String jobName, String name, long expected) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        long value = metric(jobName, name);
        while (value != expected && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(500);
            value = metric(jobName, name);
        }
        return value;
    }

    /** A counter summed over the subtasks of the job's vertices, read through the REST API. */
    long metric(String jobName, String name) throws Exception {
        String jobs = get("/jobs/overview");
        Matcher job = Pattern.compile("\"jid\":\"([0-9a-f]{32})\",\"name\":\"" + Pattern.quote(jobName) + "\"").matcher(jobs);
        assertTrue(job.find(), jobs);
        String jid = job.group(1);
        // the job's vertices are listed twice (vertices and plan): each is counted once
        Set<String> vertices = new LinkedHashSet<>();
        Matcher vertex = Pattern.compile("\"id\":\"([0-9a-f]{32})\"").matcher(get("/jobs/" + jid));
        while (vertex.find()) {
            vertices.add(vertex.group(1));
        }
        long sum = 0;
        for (String vid : vertices) {
            Matcher metricId = Pattern.compile("\"id\":\"([^\"]*\\." + name + ")\"").matcher(get("/jobs/" + jid + "/vertices/" + vid + "/subtasks/metrics"));
            if (metricId.find()) {
                Matcher value = Pattern.compile("\"sum\":([0-9.]+)").matcher(
                        get("/jobs/" + jid + "/vertices/" + vid + "/subtasks/metrics?get=" + metricId.group(1) + "&agg=sum"));
                assertTrue(value.find());
                sum += (long) Double.parseDouble(value.group(1));
            }
        }
        return sum;
    }

    private String get(String path) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        return http.send(HttpRequest.newBuilder(URI.create(restUrl + path)).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    /** Runs deploy/local/flink with this cluster's data dir; fails the test on a non-zero exit. */
    String flink(String... args) throws IOException, InterruptedException {
        List<String> withDataDir = new ArrayList<>(Arrays.asList(args));
        withDataDir.addAll(List.of("--data-dir", dataDir.toString()));
        return script("flink", withDataDir.toArray(new String[0]));
    }

    /** Runs a script of deploy/local as a user would, with the build already done; fails the test on a non-zero exit. */
    static String script(String name, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("bash", ROOT.resolve("deploy/local/" + name).toString()));
        command.addAll(Arrays.asList(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("CALLSTITCH_SKIP_BUILD", "1");
        Process process = builder.start();
        byte[] output = process.getInputStream().readAllBytes();
        assertTrue(process.waitFor(5, TimeUnit.MINUTES));
        String text = new String(output, StandardCharsets.UTF_8);
        assertEquals(0, process.exitValue(), "deploy/local/" + name + " " + String.join(" ", args) + ":\n" + text);
        return text;
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
