package io.callstitch.tools;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import io.callstitch.assemble.AssembleOptions;
import io.callstitch.chains.ChainsOptions;
import io.callstitch.common.Flag;
import io.callstitch.common.FlagSet;
import io.callstitch.tools.check.EvaluateOptions;
import io.callstitch.tools.demo.DemoOptions;
import io.callstitch.tools.file.StitchFileOptions;
import io.callstitch.match.MatchOptions;
import io.callstitch.rekey.RekeyOptions;
import io.callstitch.schema.Reason;
import io.callstitch.schema.Status;
import io.callstitch.simulator.SimulatorOptions;
import org.junit.jupiter.api.Test;

/** The README documents every flag with its real default, every status and every reason code. */
class ReadmeTest {
    private static List<String> readme() throws Exception {
        return Files.readAllLines(Paths.get(System.getProperty("callstitch.samples", "local/samples"))
                .resolve("../../../README.md").normalize());
    }

    @Test
    void everyFlagIsDocumentedWithItsDefault() throws Exception {
        List<String> lines = readme();
        List<String> missing = new ArrayList<>();
        for (FlagSet flags : List.of(RekeyOptions.FLAGS, MatchOptions.FLAGS, AssembleOptions.FLAGS, ChainsOptions.FLAGS, StitchFileOptions.FLAGS,
                DemoOptions.FLAGS, SimulatorOptions.FLAGS, EvaluateOptions.FLAGS)) {
            for (Flag<?> flag : flags.flags()) {
                String value = flag.isRequired() ? "(required)" : flag.defaultText();
                boolean documented = lines.stream().anyMatch(line ->
                        line.startsWith("| `--" + flag.name() + "` | `" + value + "` |"));
                if (!documented) {
                    missing.add(flags.program() + " --" + flag.name() + " (default " + value + ")");
                }
            }
        }
        assertTrue(missing.isEmpty(), "README.md does not document: " + missing);
    }

    @Test
    void everyStatusAndReasonIsExplained() throws Exception {
        List<String> lines = readme();
        for (Status status : Status.values()) {
            assertTrue(lines.stream().anyMatch(line -> line.startsWith("| `" + status + "` |")), "status " + status);
        }
        for (Reason reason : Reason.values()) {
            assertTrue(lines.stream().anyMatch(line -> line.startsWith("| `" + reason + "` |")), "reason " + reason);
        }
    }

    @Test
    void theSamplesItShowsExist() {
        assertTrue(Files.exists(sample("seed-example-1.jsonl")) && Files.exists(sample("seed-example-1.stitched.jsonl")));
    }

    private static Path sample(String name) {
        return Paths.get(System.getProperty("callstitch.samples", "local/samples")).resolve(name);
    }
}
