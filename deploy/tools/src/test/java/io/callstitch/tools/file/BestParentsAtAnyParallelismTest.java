package io.callstitch.tools.file;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import io.callstitch.common.StitchedJson;
import io.callstitch.schema.StitchedCall;
import io.callstitch.simulator.Simulation;
import io.callstitch.simulator.SimulatorConfig;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.Test;

/**
 * A host's caller model is one model wherever its buckets are matched: the same traffic, with clock
 * skew (so the clock offsets and tolerances are learned too) and out-of-order delivery, stitched at
 * parallelism 1 and 3, names the same best parent with the same confidence for every call.
 */
class BestParentsAtAnyParallelismTest {
    @TempDir
    Path dir;

    @Test
    void bestParentsAndConfidencesAreTheSameAtParallelismOneAndThree() throws Exception {
        Simulation simulation = Simulation.run(new SimulatorConfig(6000, 50, 7, 1_700_000_000_000L, 20_000, 3000, 5, 0, 0));
        Path in = dir.resolve("calls.jsonl");
        try (OutputStream out = Files.newOutputStream(in)) {
            for (byte[] record : simulation.records()) {
                out.write(record);
                out.write('\n');
            }
        }

        Map<String, StitchedCall> one = stitch(in, 1);
        Map<String, StitchedCall> three = stitch(in, 3);

        assertEquals(one.keySet(), three.keySet(), "the same calls are written");
        int picked = 0;
        int unsure = 0;
        for (Map.Entry<String, StitchedCall> entry : one.entrySet()) {
            StitchedCall a = entry.getValue();
            StitchedCall b = three.get(entry.getKey());
            assertEquals(a.getBestParent(), b.getBestParent(), "best parent of " + entry.getKey());
            assertEquals(a.getBestParentConfidence(), b.getBestParentConfidence(), "confidence of " + entry.getKey());
            if (a.getBestParent() != null) {
                picked++;
                if (a.getBestParentConfidence() < 0.9 && a.getParents().size() > 1) {
                    unsure++;
                }
            }
        }
        // the comparison only proves something where the models had to weigh candidates
        assertTrue(picked > one.size() / 2, "most calls have a best parent: " + picked + " of " + one.size());
        assertTrue(unsure > 50, "children picked among several candidates without certainty: " + unsure);
    }

    private Map<String, StitchedCall> stitch(Path in, int parallelism) throws Exception {
        Path out = dir.resolve("stitched-" + parallelism + ".jsonl");
        StitchFile.run(StitchFileTest.options("--in", in.toString(), "--out", out.toString(), "--parallelism",
                Integer.toString(parallelism)));
        Map<String, StitchedCall> calls = new HashMap<>();
        List<String> lines = Files.readAllLines(out);
        for (String line : lines) {
            StitchedCall call = StitchedJson.parse(line);
            assertEquals(null, calls.put(call.getId(), call), "call " + call.getId() + " written twice");
        }
        return calls;
    }
}
