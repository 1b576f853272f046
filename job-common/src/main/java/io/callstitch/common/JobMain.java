package io.callstitch.common;

import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/** The {@code main()} of every job: options in, the job with its Kafka ends added, executed. */
public final class JobMain {
    private JobMain() {}

    /** Adds a job with its real ends to an environment; fails with a one-line reason (a missing topic, say). */
    @FunctionalInterface
    public interface Pipeline<O> {
        void addTo(StreamExecutionEnvironment env, O options) throws UsageException;
    }

    public static <O> void run(String program, O options, Pipeline<O> pipeline) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        try {
            pipeline.addTo(env, options);
        } catch (UsageException e) {
            Cli.exitWithError(program, e.getMessage());
        }
        env.execute("callstitch " + program);
    }
}
