package io.callstitch.tools.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.callstitch.common.UsageException;
import io.callstitch.tools.bench.BenchOptions.Contender;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.List;
import org.junit.jupiter.api.Test;

class BenchOptionsTest {
    private static final PrintStream NO_HELP = new PrintStream(OutputStream.nullOutputStream());

    @Test
    void defaultsRunEveryContenderOnBothWorkloads() throws Exception {
        BenchOptions options = BenchOptions.parse(new String[0], NO_HELP);
        assertEquals(List.of(Contender.values()), options.contenders);
        assertEquals(List.of("low", "hot"), options.workloads);
        assertEquals(3, options.runs);
        assertEquals(List.of("--state-backend", "heap"), options.assembleFlags, "job-assemble as deployed: on the heap");
        assertEquals(List.of(), BenchOptions.parse(new String[] {"--assemble-flags", "none"}, NO_HELP).assembleFlags);
    }

    @Test
    void contendersRunInTheirOwnOrderWhateverTheFlagSays() throws Exception {
        BenchOptions options = BenchOptions.parse(new String[] {"--only", "ceiling-b,pipeline,assemble"}, NO_HELP);
        assertEquals(List.of(Contender.PIPELINE, Contender.ASSEMBLE, Contender.CEILING_B), options.contenders);
    }

    @Test
    void aJobAloneNeedsThePipelineThatFillsItsInput() {
        UsageException e = assertThrows(UsageException.class, () -> BenchOptions.parse(new String[] {"--only", "match"}, NO_HELP));
        assertEquals("flag --only: match and assemble alone read what the pipeline run wrote; add pipeline", e.getMessage());
    }

    @Test
    void unknownWorkloadAndContenderAreNamed() {
        assertEquals("flag --workloads takes low and/or hot, got 'warm'", assertThrows(UsageException.class,
                () -> BenchOptions.parse(new String[] {"--workloads", "warm"}, NO_HELP)).getMessage());
        assertEquals("flag --only: no contender 'peers' (pipeline, pipeline-quarter, pipeline-sixteenth, rekey, match, assemble,"
                + " ceiling-a, ceiling-a-twice, ceiling-a-keyed-twice, ceiling-b, peer)", assertThrows(UsageException.class,
                () -> BenchOptions.parse(new String[] {"--only", "peers"}, NO_HELP)).getMessage());
    }

    @Test
    void extraJobFlagsAreSplitIntoWords() throws Exception {
        BenchOptions options = BenchOptions.parse(new String[] {"--match-flags=--bucket-ms 500"}, NO_HELP);
        assertEquals(List.of("--bucket-ms", "500"), options.matchFlags);
    }
}
