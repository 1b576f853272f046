package io.callstitch.tools.file;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import io.callstitch.common.StitchedJson;
import io.callstitch.reference.BruteForce;
import io.callstitch.simulator.ProbeJson;
import io.callstitch.reference.RandomCalls;
import io.callstitch.schema.Call;
import io.callstitch.schema.Status;
import io.callstitch.schema.StitchedCall;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The spine of the suite: on random calls over a few ips (nested and overlapping intervals, ties on
 * both bounds, equal intervals, self-calls, calls back and forth), delivered out of order up to the
 * bound, the stitched output at parallelism 2 equals a brute-force reading of the rule for every
 * record.
 */
class StitchPropertyTest {
    @TempDir
    Path dir;

    @ParameterizedTest(name = "seed {0}: {1} calls, {2} ips, L={3} ms, D={4} ms, bucket {5} ms")
    @CsvSource({
        "1, 3000, 5, 5000, 3000, 1000",
        "2, 2000, 3, 5000, 3000, 250",
        "3, 2000, 8, 20000, 30000, 1000",
        "4, 1500, 2, 2000, 500, 100",
    })
    void stitchedOutputEqualsBruteForce(long seed, int count, int ips, long maxLatencyMs, long disorderMs, long bucketMs)
            throws Exception {
        List<Call> calls = RandomCalls.generate(seed, count, ips, 1_700_000_000_000L, 60_000, maxLatencyMs, 10);
        List<Call> delivered = RandomCalls.deliveryOrder(calls, disorderMs, seed);
        Path in = dir.resolve("calls.jsonl");
        Files.write(in, delivered.stream().map(ProbeJson::write).collect(Collectors.toList()));
        Path out = dir.resolve("stitched.jsonl");

        StitchFile.run(StitchFileTest.options("--in", in.toString(), "--out", out.toString(), "--parallelism", "2",
                "--max-latency-ms", Long.toString(maxLatencyMs), "--max-out-of-orderness-ms", Long.toString(disorderMs),
                "--bucket-ms", Long.toString(bucketMs)));

        Map<String, BruteForce.Expected> expected = BruteForce.stitch(calls);
        Map<String, StitchedCall> actual = new HashMap<>();
        long edges = 0;
        for (String line : Files.readAllLines(out)) {
            StitchedCall call = StitchedJson.parse(line);
            assertEquals(null, actual.put(call.getId(), call), "call " + call.getId() + " written twice");
        }
        assertEquals(expected.keySet(), actual.keySet(), "every call is written");
        for (Map.Entry<String, BruteForce.Expected> entry : expected.entrySet()) {
            StitchedCall call = actual.get(entry.getKey());
            assertEquals(entry.getValue().parentList(), call.getParents(), "parents of " + entry.getKey());
            assertEquals(entry.getValue().childList(), call.getChildren(), "children of " + entry.getKey());
            assertEquals(Status.OK, call.getStatus(), "status of " + entry.getKey());
            edges += call.getChildren().size();
        }
        assertTrue(edges > count / 2, "the data must be rich in edges to prove anything: " + edges);
    }
}
