package io.callstitch.tools.file;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The seed's three worked examples, input to exact output, through the file mode. */
class StitchFileTest {
    @TempDir
    Path dir;

    /** The seed's examples as shipped to users in deploy/local/samples: input and expected output. */
    static Path sample(String name) {
        return Paths.get(System.getProperty("callstitch.samples", "local/samples")).resolve(name);
    }

    static StitchFileOptions options(String... args) throws Exception {
        return StitchFileOptions.parse(args, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    }

    @ParameterizedTest(name = "seed example {0}")
    @ValueSource(ints = {1, 2, 3})
    void seedExampleGivesTheSeedsOutputByteForByte(int example) throws Exception {
        Path in = sample("seed-example-" + example + ".jsonl");
        Path expected = sample("seed-example-" + example + ".stitched.jsonl");
        Path out = dir.resolve("stitched.jsonl");

        StitchFile.Summary summary = StitchFile.run(options("--in", in.toString(), "--out", out.toString()));

        assertEquals(Files.readAllLines(expected), Files.readAllLines(out));
        assertEquals(3, summary.stitched());
        assertEquals(0, summary.deadLetters);
        assertFalse(Files.exists(dir.resolve("stitched.jsonl.dead-letter.jsonl")), "no dead-letter file without dead letters");
    }

    @ParameterizedTest(name = "seed example {0} as CSV")
    @ValueSource(ints = {1, 3})
    void csvInputGivesTheSameAnswer(int example) throws Exception {
        Path expected = sample("seed-example-" + example + ".stitched.jsonl");
        StringBuilder csv = new StringBuilder();
        for (String line : Files.readAllLines(sample("seed-example-" + example + ".jsonl"))) {
            csv.append(line.replaceAll("\"[a-z_]+\":", "").replaceAll("[{}\"]", "")).append('\n');
        }
        Path in = Files.writeString(dir.resolve("calls.csv"), csv);
        Path out = dir.resolve("stitched.jsonl");

        StitchFile.run(options("--in", in.toString(), "--out", out.toString(), "--input-format", "csv"));

        List<String> lines = Files.readAllLines(out);
        assertEquals(Files.readAllLines(expected), lines);
    }
}
