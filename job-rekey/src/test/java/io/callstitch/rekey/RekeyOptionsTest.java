package io.callstitch.rekey;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import io.callstitch.common.Cli;
import io.callstitch.common.Delivery;
import io.callstitch.common.UsageException;
import org.junit.jupiter.api.Test;

class RekeyOptionsTest {
    private final ByteArrayOutputStream help = new ByteArrayOutputStream();

    private RekeyOptions parse(String... args) throws Exception {
        return RekeyOptions.parse(args, new PrintStream(help, true, StandardCharsets.UTF_8));
    }

    @Test
    void defaultsFollowTheContract() throws Exception {
        RekeyOptions options = parse();
        assertEquals("calls.raw", options.inputTopic);
        assertEquals("calls.by-ip", options.outputTopic);
        assertEquals("calls.dead-letter", options.deadLetterTopic);
        assertEquals(InputFormat.JSON, options.inputFormat);
        assertEquals(30_000, options.settings.maxOutOfOrdernessMs);
        assertEquals(Delivery.EXACTLY_ONCE, options.kafka.delivery);
    }

    @Test
    void flagsOverrideDefaults() throws Exception {
        RekeyOptions options = parse("--input-format", "csv", "--delivery", "at-least-once", "--max-out-of-orderness-ms=5000");
        assertEquals(InputFormat.CSV, options.inputFormat);
        assertEquals(Delivery.AT_LEAST_ONCE, options.kafka.delivery);
        assertEquals(5000, options.settings.maxOutOfOrdernessMs);
    }

    @Test
    void badFlagsGiveOneLineNamingTheFlag() {
        UsageException unknown = assertThrows(UsageException.class, () -> parse("--input-topik", "x"));
        assertEquals("unknown flag --input-topik", unknown.getMessage());
        UsageException number = assertThrows(UsageException.class, () -> parse("--max-out-of-orderness-ms", "soon"));
        assertTrue(number.getMessage().startsWith("flag --max-out-of-orderness-ms must be a whole number"), number.getMessage());
        UsageException choice = assertThrows(UsageException.class, () -> parse("--input-format", "xml"));
        assertTrue(choice.getMessage().contains("json, csv"), choice.getMessage());
        assertThrows(UsageException.class, () -> parse("--bootstrap"));
        assertThrows(UsageException.class, () -> parse("--parallelism", "300"));
    }

    @Test
    void helpListsEveryFlagWithItsDefault() {
        assertThrows(Cli.HelpShown.class, () -> parse("--help"));
        String text = help.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("--input-topic") && text.contains("(default: calls.raw)"), text);
        assertTrue(text.contains("--bootstrap") && text.contains("--delivery"), text);
    }
}
