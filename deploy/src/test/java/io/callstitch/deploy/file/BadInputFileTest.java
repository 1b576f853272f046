package io.callstitch.deploy.file;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import io.callstitch.schema.Reason;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every kind of bad record reaches the dead letters with its reason and line; nothing else is lost. */
class BadInputFileTest {
    @TempDir
    Path dir;

    private static final String GOOD_1 = "{\"id\":\"id1\",\"src_ip\":\"10.0.0.1\",\"dst_ip\":\"10.0.0.2\",\"start_at_ms\":1000,\"latency_msec\":500,\"end_at_ms\":1500}";
    private static final String GOOD_2 = "{\"id\":\"id2\",\"src_ip\":\"10.0.0.2\",\"dst_ip\":\"10.0.0.3\",\"start_at_ms\":1100,\"latency_msec\":200,\"end_at_ms\":1300}";

    /** Line → the reason it must be rejected with (null: valid). */
    private static Map<Integer, Reason> write(Path file) throws Exception {
        Map<Integer, Reason> expected = new TreeMap<>();
        List<String> lines = new ArrayList<>();
        Object[][] rows = {
            {GOOD_1, null},
            {"this is not json", Reason.UNPARSEABLE},
            {"{\"src_ip\":\"10.0.0.1\",\"dst_ip\":\"10.0.0.2\",\"start_at_ms\":1,\"latency_msec\":1,\"end_at_ms\":2}", Reason.MISSING_FIELD},
            {"{\"id\":\"x3\",\"src_ip\":\"10.0.0.1\",\"dst_ip\":\"10.0.0.2\",\"start_at_ms\":\"1\",\"latency_msec\":1,\"end_at_ms\":2}", Reason.WRONG_TYPE},
            {"{\"id\":\"x4\",\"src_ip\":\"10.0.0.1\",\"dst_ip\":\"10.0.0.2\",\"start_at_ms\":-5,\"latency_msec\":1,\"end_at_ms\":-4}", Reason.NEGATIVE_VALUE},
            {"{\"id\":\"x5\",\"src_ip\":\"10.0.0.1\",\"dst_ip\":\"10.0.0.2\",\"start_at_ms\":5,\"latency_msec\":-1,\"end_at_ms\":4}", Reason.NEGATIVE_LATENCY},
            {"{\"id\":\"x6\",\"src_ip\":\"10.0.0.1\",\"dst_ip\":\"10.0.0.2\",\"start_at_ms\":5,\"latency_msec\":1,\"end_at_ms\":7}", Reason.END_MISMATCH},
            {"{\"id\":\"x7\",\"src_ip\":\"10.0.0.1\",\"dst_ip\":\"gateway\",\"start_at_ms\":5,\"latency_msec\":1,\"end_at_ms\":6}", Reason.INVALID_IP},
            {"{\"id\":\"" + "x".repeat(300) + "\",\"src_ip\":\"10.0.0.1\",\"dst_ip\":\"10.0.0.2\",\"start_at_ms\":5,\"latency_msec\":1,\"end_at_ms\":6}", Reason.OVERSIZE_FIELD},
            {GOOD_2, null},
            {GOOD_2, null}, // an identical duplicate: dropped, not a dead letter
            {GOOD_2.replace("10.0.0.3", "10.0.0.9"), Reason.DUPLICATE_ID_CONFLICT},
        };
        for (int i = 0; i < rows.length; i++) {
            lines.add((String) rows[i][0]);
            if (rows[i][1] != null) {
                expected.put(i + 1, (Reason) rows[i][1]);
            }
        }
        Files.write(file, lines, StandardCharsets.UTF_8);
        return expected;
    }

    @Test
    void everyReasonCodeReachesTheDeadLettersWithItsLineAndBytes() throws Exception {
        Path in = dir.resolve("calls.jsonl");
        Map<Integer, Reason> expected = write(in);
        Path out = dir.resolve("stitched.jsonl");

        StitchFile.Summary summary = StitchFile.run(StitchFileTest.options("--in", in.toString(), "--out", out.toString()));

        Map<Integer, Reason> actual = new TreeMap<>();
        List<String> inputLines = Files.readAllLines(in);
        for (String letter : Files.readAllLines(dir.resolve("stitched.jsonl.dead-letter.jsonl"))) {
            int line = Integer.parseInt(letter.replaceAll(".*\"offset\":(\\d+).*", "$1"));
            actual.put(line, Reason.valueOf(letter.replaceAll(".*\"reason\":\"([A-Z_]+)\".*", "$1")));
            assertTrue(letter.contains("\"topic\":\"calls.jsonl\""), letter);
            String original = inputLines.get(line - 1);
            assertTrue(letter.contains(original.length() > 100 ? original.substring(0, 30).replace("\"", "\\\"") : original.replace("\"", "\\\"")),
                    "the original bytes are kept: " + letter);
        }
        assertEquals(expected, actual);
        assertEquals(Reason.values().length, actual.values().stream().distinct().count(), "every reason code is exercised");
        assertEquals(expected.size(), summary.deadLetters);
        assertEquals(List.of(
                "{\"id\":\"id1\",\"src_ip\":\"10.0.0.1\",\"dst_ip\":\"10.0.0.2\",\"start_at_ms\":1000,\"latency_msec\":500,\"end_at_ms\":1500,\"parents\":[],\"children\":[\"id2\"],\"status\":\"OK\",\"best_parent\":null,\"best_parent_confidence\":null,\"best_children\":[\"id2\"]}",
                "{\"id\":\"id2\",\"src_ip\":\"10.0.0.2\",\"dst_ip\":\"10.0.0.3\",\"start_at_ms\":1100,\"latency_msec\":200,\"end_at_ms\":1300,\"parents\":[\"id1\"],\"children\":[],\"status\":\"OK\",\"best_parent\":\"id1\",\"best_parent_confidence\":1.0,\"best_children\":[]}"),
                Files.readAllLines(out));
    }

    @Test
    void badFlagsAreOneLineErrors() {
        Exception missing = org.junit.jupiter.api.Assertions.assertThrows(io.callstitch.common.UsageException.class,
                () -> StitchFileTest.options("--out", "x"));
        assertEquals("flag --in is required (file of raw records, one per line (JSON lines by default))", missing.getMessage());
        Exception unreadable = org.junit.jupiter.api.Assertions.assertThrows(io.callstitch.common.UsageException.class,
                () -> StitchFileTest.options("--in", dir.resolve("nope.jsonl").toString(), "--out", "x"));
        assertTrue(unreadable.getMessage().startsWith("cannot read input file"), unreadable.getMessage());
    }
}
