package io.callstitch.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import io.callstitch.common.Cli;
import io.callstitch.common.UsageException;
import org.junit.jupiter.api.Test;

class SimulatorOptionsTest {
    private final ByteArrayOutputStream help = new ByteArrayOutputStream();

    private SimulatorOptions parse(String... args) throws Exception {
        return SimulatorOptions.parse(args, new PrintStream(help, true, StandardCharsets.UTF_8));
    }

    @Test
    void defaultsAreFaultFree() throws Exception {
        SimulatorOptions options = parse("--out", "calls.jsonl");
        assertEquals(10_000, options.config.calls);
        assertEquals(0, options.config.maxDisorderMs);
        assertEquals(0.0, options.config.duplicateShare);
        assertEquals("calls.raw", options.topic);
    }

    @Test
    void badFlagsAreOneLineErrors() {
        assertEquals("give exactly one of --out FILE and --bootstrap HOST:PORT",
                assertThrows(UsageException.class, () -> parse()).getMessage());
        assertEquals("unknown flag --calss", assertThrows(UsageException.class, () -> parse("--out", "x", "--calss", "5")).getMessage());
        assertTrue(assertThrows(UsageException.class, () -> parse("--out", "x", "--duplicate-share", "2")).getMessage()
                .contains("from 0 to 1"));
    }

    @Test
    void helpListsTheFaultFlags() {
        assertThrows(Cli.HelpShown.class, () -> parse("--help"));
        String text = help.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("--max-disorder-ms") && text.contains("--clock-skew-ms") && text.contains("--malformed-share"), text);
    }
}
