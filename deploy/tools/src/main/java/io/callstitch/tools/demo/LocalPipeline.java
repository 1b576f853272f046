package io.callstitch.tools.demo;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import io.callstitch.assemble.AssembleJob;
import io.callstitch.assemble.AssembleOptions;
import io.callstitch.chains.ChainsJob;
import io.callstitch.chains.ChainsOptions;
import io.callstitch.common.KafkaJobOptions;
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
            RekeyJob.pipeline(rekey, RekeyOptions.parse(args(common, rekeyFlags, RekeyOptions.GROUP_ID.with(name + "-rekey"),
                    RekeyOptions.INPUT_TOPIC.with(topics.raw), RekeyOptions.OUTPUT_TOPIC.with(topics.byIp),
                    RekeyOptions.DEAD_LETTER_TOPIC.with(topics.deadLetter)), NO_HELP));
            jobs.add(rekey.executeAsync(name + " job-rekey"));

            StreamExecutionEnvironment match = environments.get();
            MatchJob.pipeline(match, MatchOptions.parse(args(common, matchFlags, MatchOptions.GROUP_ID.with(name + "-match"),
                    MatchOptions.INPUT_TOPIC.with(topics.byIp), MatchOptions.OUTPUT_TOPIC.with(topics.edges),
                    MatchOptions.DEAD_LETTER_TOPIC.with(topics.deadLetter)), NO_HELP));
            jobs.add(match.executeAsync(name + " job-match"));

            StreamExecutionEnvironment assemble = environments.get();
            AssembleJob.pipeline(assemble, AssembleOptions.parse(args(common, List.of(), AssembleOptions.GROUP_ID.with(name + "-assemble"),
                    AssembleOptions.INPUT_TOPIC.with(topics.edges), AssembleOptions.OUTPUT_TOPIC.with(topics.stitched),
                    AssembleOptions.DEAD_LETTER_TOPIC.with(topics.deadLetter)), NO_HELP));
            jobs.add(assemble.executeAsync(name + " job-assemble"));

            if (chainsFlags != null) {
                StreamExecutionEnvironment chains = environments.get();
                ChainsJob.pipeline(chains, ChainsOptions.parse(args(common, chainsFlags, ChainsOptions.GROUP_ID.with(name + "-chains"),
                        ChainsOptions.INPUT_TOPIC.with(topics.stitched), ChainsOptions.WALK_TOPIC.with(topics.chainsWalk),
                        ChainsOptions.OUTPUT_TOPIC.with(topics.chainsStats), ChainsOptions.DEAD_LETTER_TOPIC.with(topics.deadLetter)),
                        NO_HELP));
                jobs.add(chains.executeAsync(name + " job-chains"));
            }
        } catch (Exception | Error e) {
            new LocalPipeline(jobs).close();
            throw e;
        }
        return new LocalPipeline(jobs);
    }

    /** The flags every job of a local pipeline gets: the broker, parallelism and checkpointing. */
    public static List<String> commonFlags(String bootstrap, int parallelism, long checkpointIntervalMs, Path checkpointDir) {
        List<String> flags = commonFlags(bootstrap, checkpointIntervalMs, checkpointDir);
        flags.addAll(KafkaJobOptions.PARALLELISM.with(parallelism));
        return flags;
    }

    /** The same without parallelism, for jobs that are given their own. */
    public static List<String> commonFlags(String bootstrap, long checkpointIntervalMs, Path checkpointDir) {
        List<String> flags = new ArrayList<>(KafkaJobOptions.BOOTSTRAP.with(bootstrap));
        flags.addAll(KafkaJobOptions.CHECKPOINT_INTERVAL_MS.with(checkpointIntervalMs));
        flags.addAll(KafkaJobOptions.CHECKPOINT_DIR.with(checkpointDir.toAbsolutePath().toUri()));
        return flags;
    }

    @SafeVarargs
    private static String[] args(List<String> common, List<String> specific, List<String>... own) {
        List<String> all = new ArrayList<>(common);
        all.addAll(specific);
        for (List<String> flag : own) {
            all.addAll(flag);
        }
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
