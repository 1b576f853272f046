package io.callstitch.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.OutputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import io.callstitch.common.StitchedJson;
import io.callstitch.tools.check.Evaluation;
import io.callstitch.chains.ChainsOptions;
import io.callstitch.reference.BruteForceChains;
import io.callstitch.tools.demo.PipelineTopics;
import io.callstitch.tools.kafka.TopicIo;
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
    private static final List<String> FAST = List.of("--checkpoint-interval-ms", "1000", "--parallelism", "2");

    static TestBroker broker;
    static LocalCluster cluster;

    @BeforeAll
    static void start() throws Exception {
        broker = TestBroker.start();
        cluster = LocalCluster.up(12, FAST);
    }

    @AfterAll
    static void stop() throws Exception {
        if (cluster != null) {
            cluster.close();
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
        cluster.submit("rekey", flags(bootstrap, "--input-topic", topics.raw, "--output-topic", topics.byIp, "--dead-letter-topic", topics.deadLetter));
        String match = cluster.submit("match", flags(bootstrap, "--input-topic", topics.byIp, "--output-topic", topics.edges,
                "--dead-letter-topic", topics.deadLetter));
        cluster.submit("assemble", flags(bootstrap, "--input-topic", topics.edges, "--output-topic", topics.stitched,
                "--dead-letter-topic", topics.deadLetter));
        cluster.submit("chains", flags(bootstrap, "--input-topic", topics.stitched, "--walk-topic", topics.chainsWalk,
                "--output-topic", topics.chainsStats, "--dead-letter-topic", topics.deadLetter));

        Simulation first = Simulation.run(new SimulatorConfig(2000, 100, 11, 1_700_000_000_000L, 20_000, 3000, 0, 0, 0));
        send(topics, first);
        List<StitchedCall> stitched = read(topics.stitched, first.calls().size());
        assertExact(first.calls(), stitched, first);
        assertEquals(first.calls().size(), cluster.metricOnceSettled("callstitch job-assemble", "callsStitched", first.calls().size()),
                "the metric counts what was written");
        // the job-chains jar too: one summary per chain, each as a brute-force walk of the stitched calls finds it
        Map<String, BruteForceChains.Expected> chains = BruteForceChains.followingBestParents(stitched)
                .chains(Integer.parseInt(ChainsOptions.MAX_HOPS.defaultText()));
        Map<String, BruteForceChains.Expected> summed = new TreeMap<>();
        TopicIo.readUntil(broker.bootstrap(), topics.chainsStats, ChainSummary.class, read -> read.size() >= chains.size(), DEADLINE, SETTLE)
                .forEach(summary -> assertEquals(null, summed.put(summary.getRootId(), BruteForceChains.of(summary)), "written twice"));
        assertEquals(chains, summed, "the chains of the first traffic");

        // job-match down with a savepoint while more traffic arrives, then resumed from it
        String savepoint = cluster.stopWithSavepoint(match);
        Simulation second = Simulation.run(new SimulatorConfig(1000, 100, 12, 1_700_001_000_000L, 20_000, 3000, 0, 0, 0));
        send(topics, second);
        cluster.submit("match", flags(bootstrap, "--fromSavepoint", savepoint, "--input-topic", topics.byIp, "--output-topic", topics.edges,
                "--dead-letter-topic", topics.deadLetter));
        List<Call> all = new ArrayList<>(first.calls());
        all.addAll(second.calls());
        List<StitchedCall> afterResume = read(topics.stitched, all.size());
        assertExact(all, afterResume, null);

        // replay calls.by-ip from the start into fresh topics with deploy/local/replay: the same stitched records
        String stitchedReplay = topics.stitched + ".replay";
        String replayed = LocalCluster.script("replay", "--from", "earliest", "--suffix", ".replay", "--bootstrap", broker.bootstrap(),
                "--by-ip-topic", topics.byIp, "--edges-topic", topics.edges, "--stitched-topic", topics.stitched,
                "--dead-letter-topic", topics.deadLetter,
                "--partitions", "4", "--data-dir", cluster.dataDir.toString(), "--checkpoint-interval-ms", "1000", "--parallelism", "2");
        assertEquals(2, Pattern.compile("JobID [0-9a-f]{32}").matcher(replayed).results().count(), replayed);
        assertEquals(json(afterResume), json(read(stitchedReplay, all.size())), "a replay reproduces the stitched records");
    }

    private static List<String> flags(List<String> bootstrap, String... own) {
        List<String> flags = new ArrayList<>(bootstrap);
        flags.addAll(Arrays.asList(own));
        return flags;
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
}
