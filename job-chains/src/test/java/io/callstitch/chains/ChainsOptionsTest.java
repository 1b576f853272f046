package io.callstitch.chains;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callstitch.common.Cli;
import io.callstitch.common.UsageException;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ChainsOptionsTest {
    private static final PrintStream NO_HELP = new PrintStream(new ByteArrayOutputStream());

    @Test
    void defaultsNameTheTopicsAndLeaveZipkinOff() throws Exception {
        ChainsOptions options = ChainsOptions.parse(new String[0], NO_HELP);
        assertEquals("calls.stitched", options.inputTopic);
        assertEquals("chains.walk", options.walkTopic);
        assertEquals("chains.stats", options.outputTopic);
        assertNull(options.zipkinTopic);
        assertEquals(600_000, options.chainTimeoutMs);
        assertEquals("callstitch-chains", options.kafka.groupId);
    }

    @Test
    void aTopicNamedTwiceIsAUsageErrorNamingTheFlag() {
        UsageException error = assertThrows(UsageException.class,
                () -> ChainsOptions.parse(new String[] {"--zipkin-topic", "chains.walk"}, NO_HELP));
        assertTrue(error.getMessage().contains("--zipkin-topic"), error.getMessage());
        assertThrows(UsageException.class, () -> ChainsOptions.parse(new String[] {"--walk-topic", "calls.stitched"}, NO_HELP));
    }

    @Test
    void helpListsEveryFlag() {
        ByteArrayOutputStream help = new ByteArrayOutputStream();
        assertThrows(Cli.HelpShown.class, () -> ChainsOptions.parse(new String[] {"--help"}, new PrintStream(help, true, StandardCharsets.UTF_8)));
        String text = help.toString(StandardCharsets.UTF_8);
        ChainsOptions.FLAGS.flags().forEach(flag -> assertTrue(text.contains("--" + flag.name()), flag.name()));
    }

    @Test
    void badValuesAreUsageErrors() {
        assertThrows(UsageException.class, () -> ChainsOptions.parse(new String[] {"--chain-timeout-ms", "0"}, NO_HELP));
        assertThrows(UsageException.class, () -> ChainsOptions.parse(new String[] {"--output-format", "xml"}, NO_HELP));
    }
}
