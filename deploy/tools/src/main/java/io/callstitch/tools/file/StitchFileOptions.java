package io.callstitch.tools.file;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import io.callstitch.assemble.AssembleOptions;
import io.callstitch.common.Cli;
import io.callstitch.common.Flag;
import io.callstitch.common.FlagSet;
import io.callstitch.common.UsageException;
import io.callstitch.common.EdgeRule.Buckets;
import io.callstitch.match.MatchOptions;
import io.callstitch.match.caller.ModelSettings;
import io.callstitch.rekey.InputFormat;
import io.callstitch.rekey.RekeyOptions;

/** The flags of the file mode: the three jobs' stitching flags, and files instead of topics. */
public final class StitchFileOptions {
    public static final Flag<String> IN = Flag.requiredText("in", "file of raw records, one per line (JSON lines by default)");
    public static final Flag<String> OUT = Flag.requiredText("out", "file to write stitched calls to, one JSON object per line");
    public static final Flag<String> DEAD_LETTER_OUT = Flag.text("dead-letter-out", "auto",
            "file for rejected records as JSON lines; auto puts OUT.dead-letter.jsonl beside --out");
    public static final Flag<Integer> PARALLELISM = Flag.positiveInt("parallelism", "2", "parallelism of the local Flink run");

    public static final FlagSet FLAGS = new FlagSet("stitch-file",
            "Stitches a file of call records with the operators of job-rekey, job-match and job-assemble chained\n"
                    + "in one local Flink run, and writes the stitched calls (the JSON of job-assemble --output-format json)\n"
                    + "sorted by start_at_ms and id. Records may be in any order within --max-out-of-orderness-ms.",
            flags());

    public final Path in;
    public final Path out;
    public final Path deadLetterOut;
    public final int parallelism;
    public final InputFormat inputFormat;
    public final RekeyOptions.Settings rekey;
    public final Buckets buckets;
    public final ModelSettings callers;
    public final AssembleOptions.Timing assembly;

    private StitchFileOptions(FlagSet.Values values) throws UsageException {
        this.in = Paths.get(values.get(IN));
        if (!Files.isReadable(in) || Files.isDirectory(in)) {
            throw new UsageException("cannot read input file " + in);
        }
        this.out = Paths.get(values.get(OUT));
        String deadLetters = values.get(DEAD_LETTER_OUT);
        this.deadLetterOut = deadLetters.equals("auto")
                ? Paths.get(out + ".dead-letter.jsonl") : Paths.get(deadLetters);
        this.parallelism = values.get(PARALLELISM);
        this.inputFormat = values.get(RekeyOptions.INPUT_FORMAT);
        this.rekey = RekeyOptions.Settings.forBoundedInput(values);
        this.buckets = MatchOptions.bucketsFrom(values);
        this.callers = MatchOptions.callersFrom(values);
        this.assembly = AssembleOptions.Timing.from(values);
    }

    private static List<Flag<?>> flags() {
        List<Flag<?>> flags = new ArrayList<>(List.of(IN, OUT, DEAD_LETTER_OUT, PARALLELISM));
        flags.addAll(RekeyOptions.settingsFlags());
        flags.addAll(MatchOptions.settingsFlags());
        flags.addAll(AssembleOptions.settingsFlags());
        return flags;
    }

    public static StitchFileOptions parse(String[] args, PrintStream helpOut) throws UsageException, Cli.HelpShown {
        return Cli.parse(FLAGS, args, StitchFileOptions::new, helpOut);
    }

    static StitchFileOptions parseOrExit(String[] args) {
        return Cli.parseOrExit(FLAGS, args, StitchFileOptions::new);
    }
}
