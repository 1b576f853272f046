package io.callstitch.it;

import java.io.OutputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import io.callstitch.assemble.AssembleJob;
import io.callstitch.assemble.AssembleOptions;
import io.callstitch.match.MatchJob;
import io.callstitch.match.MatchOptions;
import io.callstitch.rekey.RekeyJob;
import io.callstitch.rekey.RekeyOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.util.TestStreamEnvironment;

/**
 * The three jobs, each submitted on its own with its own flags (as from its jar's main), wired to
 * one set of topics on a real broker and running on a shared Flink MiniCluster.
 */
final class RunningPipeline implements AutoCloseable {
    private static final PrintStream NO_HELP = new PrintStream(OutputStream.nullOutputStream());

    private final List<JobClient> jobs;

    private RunningPipeline(List<JobClient> jobs) {
        this.jobs = jobs;
    }

    /** Starts the three jobs; {@code rekeyFlags} and {@code matchFlags} set their time bounds. */
    static RunningPipeline start(MiniCluster cluster, String bootstrap, Topics topics, int parallelism, String prefix,
            List<String> rekeyFlags, List<String> matchFlags) throws Exception {
        List<String> common = List.of("--bootstrap", bootstrap, "--parallelism", Integer.toString(parallelism),
                "--checkpoint-interval-ms", "1000");
        List<JobClient> jobs = new ArrayList<>();
        try {
            StreamExecutionEnvironment rekey = new TestStreamEnvironment(cluster, parallelism);
            RekeyJob.pipeline(rekey, RekeyOptions.parse(args(common, rekeyFlags, "--group-id", prefix + "-rekey",
                    "--input-topic", topics.raw, "--output-topic", topics.byIp, "--dead-letter-topic", topics.deadLetter), NO_HELP));
            jobs.add(rekey.executeAsync(prefix + " job-rekey"));

            StreamExecutionEnvironment match = new TestStreamEnvironment(cluster, parallelism);
            MatchJob.pipeline(match, MatchOptions.parse(args(common, matchFlags, "--group-id", prefix + "-match",
                    "--input-topic", topics.byIp, "--output-topic", topics.edges), NO_HELP));
            jobs.add(match.executeAsync(prefix + " job-match"));

            StreamExecutionEnvironment assemble = new TestStreamEnvironment(cluster, parallelism);
            AssembleJob.pipeline(assemble, AssembleOptions.parse(args(common, List.of(), "--group-id", prefix + "-assemble",
                    "--input-topic", topics.edges, "--output-topic", topics.stitched), NO_HELP));
            jobs.add(assemble.executeAsync(prefix + " job-assemble"));
        } catch (Exception | Error e) {
            new RunningPipeline(jobs).close();
            throw e;
        }
        return new RunningPipeline(jobs);
    }

    private static String[] args(List<String> common, List<String> specific, String... own) {
        List<String> all = new ArrayList<>(common);
        all.addAll(specific);
        all.addAll(Arrays.asList(own));
        return all.toArray(new String[0]);
    }

    @Override
    public void close() throws Exception {
        for (JobClient job : jobs) {
            job.cancel().get(60, TimeUnit.SECONDS);
        }
    }
}
