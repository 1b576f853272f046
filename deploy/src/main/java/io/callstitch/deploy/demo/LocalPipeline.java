package io.callstitch.deploy.demo;

import java.io.OutputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import io.callstitch.assemble.AssembleJob;
import io.callstitch.assemble.AssembleOptions;
import io.callstitch.chains.ChainsJob;
import io.callstitch.chains.ChainsOptions;
import io.callstitch.match.MatchJob;
import io.callstitch.match.MatchOptions;
import io.callstitch.rekey.RekeyJob;
import io.callstitch.rekey.RekeyOptions;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The jobs, each submitted on its own with its own flags (exactly what its jar's main parses),
 * wired to one set of topics and running on one Flink cluster.
 */
public final class LocalPipeline implements AutoCloseable {
    private static final PrintStream NO_HELP = new PrintStream(OutputStream.nullOutputStream());

    private final List<JobClient> jobs;

    private LocalPipeline(List<JobClient> jobs) {
        this.jobs = jobs;
    }

    /**
     * @param environments gives a fresh environment bound to the cluster for each job
     * @param common flags every job gets (bootstrap, parallelism, checkpointing)
     * @param rekeyFlags job-rekey's own flags, e.g. its time bounds
     * @param matchFlags job-match's own flags
     * @param chainsFlags job-chains' own flags; null to leave job-chains out
     */
    public static LocalPipeline start(Supplier<StreamExecutionEnvironment> environments, PipelineTopics topics, String name,
            List<String> common, List<String> rekeyFlags, List<String> matchFlags, List<String> chainsFlags) throws Exception {
        List<JobClient> jobs = new ArrayList<>();
        try {
            StreamExecutionEnvironment rekey = environments.get();
            RekeyJob.pipeline(rekey, RekeyOptions.parse(args(common, rekeyFlags, "--group-id", name + "-rekey",
                    "--input-topic", topics.raw, "--output-topic", topics.byIp, "--dead-letter-topic", topics.deadLetter), NO_HELP));
            jobs.add(rekey.executeAsync(name + " job-rekey"));

            StreamExecutionEnvironment match = environments.get();
            MatchJob.pipeline(match, MatchOptions.parse(args(common, matchFlags, "--group-id", name + "-match",
                    "--input-topic", topics.byIp, "--output-topic", topics.edges, "--dead-letter-topic", topics.deadLetter), NO_HELP));
            jobs.add(match.executeAsync(name + " job-match"));

            StreamExecutionEnvironment assemble = environments.get();
            AssembleJob.pipeline(assemble, AssembleOptions.parse(args(common, List.of(), "--group-id", name + "-assemble",
                    "--input-topic", topics.edges, "--output-topic", topics.stitched, "--dead-letter-topic", topics.deadLetter), NO_HELP));
            jobs.add(assemble.executeAsync(name + " job-assemble"));

            if (chainsFlags != null) {
                StreamExecutionEnvironment chains = environments.get();
                ChainsJob.pipeline(chains, ChainsOptions.parse(args(common, chainsFlags, "--group-id", name + "-chains",
                        "--input-topic", topics.stitched, "--walk-topic", topics.chainsWalk, "--output-topic", topics.chainsStats,
                        "--dead-letter-topic", topics.deadLetter),
                        NO_HELP));
                jobs.add(chains.executeAsync(name + " job-chains"));
            }
        } catch (Exception | Error e) {
            new LocalPipeline(jobs).close();
            throw e;
        }
        return new LocalPipeline(jobs);
    }

    private static String[] args(List<String> common, List<String> specific, String... own) {
        List<String> all = new ArrayList<>(common);
        all.addAll(specific);
        all.addAll(Arrays.asList(own));
        return all.toArray(new String[0]);
    }

    /** Each job's id (hex, as the REST API has it), in the order they were started. */
    public List<String> jobIds() {
        List<String> ids = new ArrayList<>();
        for (JobClient job : jobs) {
            ids.add(job.getJobID().toHexString());
        }
        return ids;
    }

    /** Each job's status now, in the order they were started. */
    public List<JobStatus> statuses() throws Exception {
        List<JobStatus> statuses = new ArrayList<>();
        for (JobClient job : jobs) {
            statuses.add(job.getJobStatus().get(60, TimeUnit.SECONDS));
        }
        return statuses;
    }

    /** Cancels the jobs. */
    @Override
    public void close() throws Exception {
        for (JobClient job : jobs) {
            job.cancel().get(60, TimeUnit.SECONDS);
        }
    }
}
