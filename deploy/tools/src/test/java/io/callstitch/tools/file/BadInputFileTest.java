package io.callstitch.tools.file;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import io.callstitch.common.StitchedJson;
import io.callstitch.reference.BruteForce;
import io.callstitch.reference.RandomCalls;
import io.callstitch.schema.Call;
import io.callstitch.schema.Reason;
import io.callstitch.schema.Status;
import io.callstitch.schema.StitchedCall;
import io.callstitch.simulator.ProbeJson;
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
            {"{\"id\":\"x9\",\"src_ip\":\"10.0.0.1\",\"dst_ip\":\"10.0.0.2\",\"start_at_ms\":4102444800000,\"latency_msec\":1,\"end_at_ms\":4102444800001}", Reason.AHEAD_OF_CLOCK},
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

    /**
     * One call decades ahead, reusing the id of a valid call, among valid ones: it must not drag event time
     * on (which made the others late and let its conflicting id through), and must itself be a dead letter.
     */
    @Test
    void aCallDecadesAheadIsADeadLetterAndTheOthersStayExact() throws Exception {
        List<Call> calls = RandomCalls.generate(7, 600, 4, 1_700_000_000_000L, 20_000, 5_000, 10);
        List<String> lines = new ArrayList<>();
        for (Call call : RandomCalls.deliveryOrder(calls, 3_000, 7)) {
            lines.add(ProbeJson.write(call));
        }
        Call first = calls.get(0);
        long future = 2_000_000_000_000_000L;
        lines.add(lines.size() / 3, ProbeJson.write(new Call(first.getId(), first.getSrcIp(), first.getDstIp(), future, 10L, future + 10)));
        Path in = dir.resolve("calls.jsonl");
        Files.write(in, lines, StandardCharsets.UTF_8);
        Path out = dir.resolve("stitched.jsonl");

        StitchFile.Summary summary = StitchFile.run(StitchFileTest.options("--in", in.toString(), "--out", out.toString(),
                "--max-latency-ms", "5000", "--max-out-of-orderness-ms", "3000"));

        List<String> letters = Files.readAllLines(dir.resolve("stitched.jsonl.dead-letter.jsonl"));
        assertEquals(1, letters.size(), String.join("\n", letters));
        assertTrue(letters.get(0).contains("\"reason\":\"AHEAD_OF_CLOCK\""), letters.get(0));
        assertEquals(1, summary.deadLetters);
        Map<String, BruteForce.Expected> expected = BruteForce.stitch(calls);
        Map<String, StitchedCall> actual = new TreeMap<>();
        for (String line : Files.readAllLines(out)) {
            StitchedCall call = StitchedJson.parse(line);
            assertEquals(null, actual.put(call.getId(), call), "call " + call.getId() + " written twice");
        }
        assertEquals(expected.keySet(), actual.keySet());
        assertEquals(first.getStartAtMs(), actual.get(first.getId()).getStartAtMs(), "the valid call keeps its content");
        for (Map.Entry<String, BruteForce.Expected> entry : expected.entrySet()) {
            StitchedCall call = actual.get(entry.getKey());
            assertEquals(Status.OK, call.getStatus(), "status of " + entry.getKey());
            assertEquals(entry.getValue().parentList(), call.getParents(), "parents of " + entry.getKey());
            assertEquals(entry.getValue().childList(), call.getChildren(), "children of " + entry.getKey());
        }
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
