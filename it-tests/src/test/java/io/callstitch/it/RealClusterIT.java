package io.callstitch.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
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
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import io.callstitch.common.StitchedJson;
import io.callstitch.deploy.check.Evaluation;
import io.callstitch.chains.ChainsOptions;
import io.callstitch.chains.check.BruteForceChains;
import io.callstitch.deploy.demo.PipelineTopics;
import io.callstitch.deploy.kafka.TopicIo;
import io.callstitch.schema.Call;
import io.callstitch.schema.ChainSummary;
import io.callstitch.schema.StitchedCall;
import io.callstitch.simulator.KafkaWriter;
import io.callstitch.simulator.Simulation;
import io.callstitch.simulator.SimulatorConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The deploy path for real: a Flink standalone cluster (JobManager and TaskManager JVMs, started by
 * deploy/local/flink from Maven Central jars), the three job jars submitted on their own through the
 * Flink CLI, a real broker. Checks every call is stitched once as the rule says, that job-match stopped
 * with a savepoint and resumed loses and repeats nothing, and that replaying calls.by-ip into fresh
 * topics reproduces the stitched records.
 */
class RealClusterIT {
    private static final Duration DEADLINE = Duration.ofMinutes(3);
    private static final Duration SETTLE = Duration.ofSeconds(4);
    private static final Path ROOT = Paths.get(System.getProperty("callstitch.samples")).resolve("../../..").normalize();
    private static final List<String> FAST = List.of("--checkpoint-interval-ms", "1000", "--parallelism", "2");

    static TestBroker broker;
    static Path dataDir;
    static String restUrl;

    @BeforeAll
    static void start() throws Exception {
        broker = TestBroker.start();
        dataDir = Files.createTempDirectory("callstitch-flink");
        int rest = freePort();
        restUrl = "http://127.0.0.1:" + rest;
        flink("up", "--rest-port", Integer.toString(rest), "--rpc-port", Integer.toString(freePort()), "--slots", "12");
    }

    @AfterAll
    static void stop() throws Exception {
        if (dataDir != null) {
            flink("down");
        }
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void jarsOnARealClusterStitchResumeFromASavepointAndReplay() throws Exception {
        PipelineTopics topics = PipelineTopics.prefixed("real");
        broker.createTopics(topics.all(4));
        List<String> bootstrap = List.of("--bootstrap", broker.bootstrap());
        submit("rekey", bootstrap, List.of("--input-topic", topics.raw, "--output-topic", topics.byIp, "--dead-letter-topic", topics.deadLetter));
        String match = submit("match", bootstrap, List.of("--input-topic", topics.byIp, "--output-topic", topics.edges));
        submit("assemble", bootstrap, List.of("--input-topic", topics.edges, "--output-topic", topics.stitched));
        submit("chains", bootstrap, List.of("--input-topic", topics.stitched, "--walk-topic", topics.chainsWalk,
                "--output-topic", topics.chainsStats));

        Simulation first = Simulation.run(new SimulatorConfig(2000, 100, 11, 1_700_000_000_000L, 20_000, 3000, 0, 0, 0));
        send(topics, first);
        List<StitchedCall> stitched = read(topics.stitched, first.calls().size());
        assertExact(first.calls(), stitched, first);
        assertEquals(first.calls().size(), metricOnceSettled("callstitch job-assemble", "callsStitched", first.calls().size()),
                "the metric counts what was written");
        // the job-chains jar too: one summary per chain, each as a brute-force walk of the stitched calls finds it
        Map<String, BruteForceChains.Expected> chains = BruteForceChains.followingBestParents(stitched).chains(Integer.parseInt(ChainsOptions.MAX_HOPS.defaultText()));
        Map<String, BruteForceChains.Expected> summed = new TreeMap<>();
        TopicIo.readUntil(broker.bootstrap(), topics.chainsStats, ChainSummary.class, read -> read.size() >= chains.size(), DEADLINE, SETTLE)
                .forEach(summary -> assertEquals(null, summed.put(summary.getRootId(), BruteForceChains.of(summary)), "written twice"));
        assertEquals(chains, summed, "the chains of the first traffic");

        // job-match down with a savepoint while more traffic arrives, then resumed from it
        String savepoint = savepointPath(flink("stop", match));
        Simulation second = Simulation.run(new SimulatorConfig(1000, 100, 12, 1_700_001_000_000L, 20_000, 3000, 0, 0, 0));
        send(topics, second);
        submit("match", bootstrap, List.of("--fromSavepoint", savepoint, "--input-topic", topics.byIp, "--output-topic", topics.edges));
        List<Call> all = new ArrayList<>(first.calls());
        all.addAll(second.calls());
        List<StitchedCall> afterResume = read(topics.stitched, all.size());
        assertExact(all, afterResume, null);

        // replay calls.by-ip from the start into fresh topics with deploy/local/replay: the same stitched records
        String stitchedReplay = topics.stitched + ".replay";
        String replayed = script("replay", "--from", "earliest", "--suffix", ".replay", "--bootstrap", broker.bootstrap(),
                "--by-ip-topic", topics.byIp, "--edges-topic", topics.edges, "--stitched-topic", topics.stitched,
                "--partitions", "4", "--data-dir", dataDir.toString(), "--checkpoint-interval-ms", "1000", "--parallelism", "2");
        assertEquals(2, Pattern.compile("JobID [0-9a-f]{32}").matcher(replayed).results().count(), replayed);
        assertEquals(json(afterResume), json(read(stitchedReplay, all.size())), "a replay reproduces the stitched records");
    }

    private static void assertExact(List<Call> calls, List<StitchedCall> stitched, Simulation truth) {
        Evaluation evaluation = Evaluation.of(calls, stitched, truth == null ? null : truth.truthParents());
        assertEquals(0, evaluation.differences, "differences from the rule, e.g. " + evaluation.differenceExamples);
        assertEquals(calls.size(), stitched.size(), "every call once");
        if (truth != null) {
            assertEquals(evaluation.trueEdges, evaluation.trueEdgesFound);
        }
    }

    private static List<String> json(List<StitchedCall> calls) {
        List<String> lines = calls.stream().map(StitchedJson::toJson).collect(Collectors.toList());
        Collections.sort(lines);
        return lines;
    }

    private static void send(PipelineTopics topics, Simulation simulation) throws InterruptedException {
        KafkaWriter.write(broker.bootstrap(), topics.raw, simulation.records(), 0, simulation.lastEndMs() + 51_001,
                new PrintStream(OutputStream.nullOutputStream()));
    }

    private static List<StitchedCall> read(String topic, int count) throws Exception {
        return TopicIo.readUntil(broker.bootstrap(), topic, StitchedCall.class, read -> read.size() >= count, DEADLINE, SETTLE);
    }

    /** Submits a job jar through the Flink CLI; returns its job id. */
    private static String submit(String job, List<String> bootstrap, List<String> flags) throws Exception {
        List<String> args = new ArrayList<>(List.of("submit", job));
        args.addAll(bootstrap);
        args.addAll(FAST);
        args.addAll(flags);
        String out = flink(args.toArray(new String[0]));
        Matcher id = Pattern.compile("JobID ([0-9a-f]{32})").matcher(out);
        assertTrue(id.find(), out);
        return id.group(1);
    }

    private static String savepointPath(String out) {
        Matcher path = Pattern.compile("Savepoint completed\\. Path: (\\S+)").matcher(out);
        assertTrue(path.find(), out);
        return path.group(1);
    }

    /** The REST API refreshes metrics every few seconds: poll, with a deadline, until the counter reaches {@code expected}. */
    private static long metricOnceSettled(String jobName, String name, long expected) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        long value = metric(jobName, name);
        while (value != expected && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(500);
            value = metric(jobName, name);
        }
        return value;
    }

    /** A counter summed over the subtasks of the job's vertices, read through the REST API. */
    private static long metric(String jobName, String name) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        String jobs = get(http, "/jobs/overview");
        Matcher job = Pattern.compile("\"jid\":\"([0-9a-f]{32})\",\"name\":\"" + Pattern.quote(jobName) + "\"").matcher(jobs);
        assertTrue(job.find(), jobs);
        String jid = job.group(1);
        // the job's vertices are listed twice (vertices and plan): each is counted once
        Set<String> vertices = new LinkedHashSet<>();
        Matcher vertex = Pattern.compile("\"id\":\"([0-9a-f]{32})\"").matcher(get(http, "/jobs/" + jid));
        while (vertex.find()) {
            vertices.add(vertex.group(1));
        }
        long sum = 0;
        for (String vid : vertices) {
            Matcher metricId = Pattern.compile("\"id\":\"([^\"]*\\." + name + ")\"").matcher(get(http, "/jobs/" + jid + "/vertices/" + vid + "/subtasks/metrics"));
            if (metricId.find()) {
                Matcher value = Pattern.compile("\"sum\":([0-9.]+)").matcher(
                        get(http, "/jobs/" + jid + "/vertices/" + vid + "/subtasks/metrics?get=" + metricId.group(1) + "&agg=sum"));
                assertTrue(value.find());
                sum += (long) Double.parseDouble(value.group(1));
            }
        }
        return sum;
    }

    private static String get(HttpClient http, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(restUrl + path)).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    /** Runs deploy/local/flink with this test's data dir; fails the test on a non-zero exit. */
    private static String flink(String... args) throws IOException, InterruptedException {
        List<String> withDataDir = new ArrayList<>(Arrays.asList(args));
        withDataDir.addAll(List.of("--data-dir", dataDir.toString()));
        return script("flink", withDataDir.toArray(new String[0]));
    }

    /** Runs a script of deploy/local as a user would, with the build already done; fails the test on a non-zero exit. */
    private static String script(String name, String... args) throws IOException, InterruptedException {
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

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
