package io.callstitch.tools.check;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import io.callstitch.common.Cli;
import io.callstitch.common.Flag;
import io.callstitch.common.FlagSet;
import io.callstitch.common.KafkaJobOptions;
import io.callstitch.common.UsageException;
import io.callstitch.rekey.InputFormat;
import io.callstitch.rekey.RekeyOptions;

/** The flags of {@code deploy/local/evaluate}. */
public final class EvaluateOptions {
    public static final Flag<String> INPUT = Flag.requiredText("input", "file of the raw records that were stitched (JSON lines by default)");
    public static final Flag<String> STITCHED = Flag.optionalText("stitched",
            "file of stitched calls (JSON lines, as stitch-file writes them); or give --stitched-topic");
    public static final Flag<String> STITCHED_TOPIC = Flag.optionalText("stitched-topic",
            "read the stitched calls (Avro) from this topic at --bootstrap instead of a file");
    public static final Flag<String> TRUTH = Flag.optionalText("truth",
            "ground truth: one JSON object mapping each call id to its true parent id or null (as the simulator writes it)");

    public static final FlagSet FLAGS = new FlagSet("evaluate",
            "Compares stitched calls with a brute-force reading of the rule over the input (the differences must be\n"
                    + "zero) and, given the ground truth, measures recall of true edges and precision of the parents lists.",
            List.of(INPUT, STITCHED, STITCHED_TOPIC, KafkaJobOptions.BOOTSTRAP, TRUTH, RekeyOptions.INPUT_FORMAT));

    public final Path input;
    public final Path stitched;
    public final String stitchedTopic;
    public final String bootstrap;
    public final Path truth;
    public final InputFormat inputFormat;

    private EvaluateOptions(FlagSet.Values values) throws UsageException {
        this.input = readable(values.get(INPUT));
        String file = values.get(STITCHED);
        String topic = values.get(STITCHED_TOPIC);
        if ((file == null) == (topic == null)) {
            throw new UsageException("give exactly one of --stitched FILE and --stitched-topic TOPIC");
        }
        this.stitched = file == null ? null : readable(file);
        this.stitchedTopic = topic;
        this.bootstrap = values.get(KafkaJobOptions.BOOTSTRAP);
        String truthFile = values.get(TRUTH);
        this.truth = truthFile == null ? null : readable(truthFile);
        this.inputFormat = values.get(RekeyOptions.INPUT_FORMAT);
    }

    private static Path readable(String name) throws UsageException {
        Path path = Paths.get(name);
        if (!Files.isReadable(path) || Files.isDirectory(path)) {
            throw new UsageException("cannot read file " + path);
        }
        return path;
    }

    public static EvaluateOptions parse(String[] args, PrintStream helpOut) throws UsageException, Cli.HelpShown {
        return Cli.parse(FLAGS, args, EvaluateOptions::new, helpOut);
    }

    static EvaluateOptions parseOrExit(String[] args) {
        return Cli.parseOrExit(FLAGS, args, EvaluateOptions::new);
    }
}
