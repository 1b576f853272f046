package io.callstitch.assemble;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callstitch.common.Cli;
import io.callstitch.common.Delivery;
import io.callstitch.common.KafkaJobOptions;
import io.callstitch.common.UsageException;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class AssembleOptionsTest {
    private final ByteArrayOutputStream helpText = new ByteArrayOutputStream();
    private final PrintStream helpOut = new PrintStream(helpText, true, StandardCharsets.UTF_8);

    @Test
    void defaultsMatchTheContract() throws Exception {
        AssembleOptions options = parse();

        assertEquals("calls.edges", options.inputTopic);
        assertEquals("calls.stitched", options.outputTopic);
        assertEquals(AssembleOptions.OutputFormat.AVRO, options.outputFormat);
        assertEquals(60_000L, options.timing.timeoutMs);
        assertEquals("callstitch-assemble", options.kafka.groupId);
        assertEquals(Delivery.EXACTLY_ONCE, options.kafka.delivery);
    }

    @Test
    void flagsOverrideDefaults() throws Exception {
        AssembleOptions options = parse("--input-topic", "edges-replay", "--output-topic", "stitched-replay",
                "--output-format", "json", "--assembly-timeout-ms", "1000", "--group-id", "replay",
                "--delivery", "at-least-once", "--bootstrap", "kafka:9092");

        assertEquals("edges-replay", options.inputTopic);
        assertEquals("stitched-replay", options.outputTopic);
        assertEquals(AssembleOptions.OutputFormat.JSON, options.outputFormat);
        assertEquals(1000L, options.timing.timeoutMs);
        assertEquals("replay", options.kafka.groupId);
        assertEquals(Delivery.AT_LEAST_ONCE, options.kafka.delivery);
        assertEquals("kafka:9092", options.kafka.bootstrap);
    }

    @Test
    void unknownFlagIsNamed() {
        UsageException e = assertThrows(UsageException.class, () -> parse("--assembly-timeout", "1000"));

        assertEquals("unknown flag --assembly-timeout", e.getMessage());
    }

    @Test
    void badNumberIsNamed() {
        UsageException e = assertThrows(UsageException.class, () -> parse("--assembly-timeout-ms", "5m"));

        assertTrue(e.getMessage().startsWith("flag --assembly-timeout-ms must be a whole number"), e.getMessage());
    }

    @Test
    void zeroTimeoutIsRefused() {
        UsageException e = assertThrows(UsageException.class, () -> parse("--assembly-timeout-ms", "0"));

        assertTrue(e.getMessage().startsWith("flag --assembly-timeout-ms "), e.getMessage());
    }

    @Test
    void unknownOutputFormatListsTheChoices() {
        UsageException e = assertThrows(UsageException.class, () -> parse("--output-format", "csv"));

        assertEquals("flag --output-format must be one of avro, json, got 'csv'", e.getMessage());
    }

    @Test
    void sameInputAndOutputTopicIsRefused() {
        UsageException e = assertThrows(UsageException.class, () -> parse("--output-topic", "calls.edges"));

        assertTrue(e.getMessage().contains("--input-topic") && e.getMessage().contains("--output-topic"), e.getMessage());
    }

    @Test
    void helpListsEveryFlagWithItsDefault() {
        assertThrows(Cli.HelpShown.class, () -> parse("--help"));

        String help = helpText.toString(StandardCharsets.UTF_8);
        assertTrue(help.startsWith("Usage: job-assemble"), help);
        assertTrue(help.contains("--input-topic") && help.contains("(default: calls.edges)"), help);
        assertTrue(help.contains("--output-topic") && help.contains("(default: calls.stitched)"), help);
        assertTrue(help.contains("--output-format") && help.contains("(default: avro)"), help);
        assertTrue(help.contains("--assembly-timeout-ms") && help.contains("(default: 60000)"), help);
        assertTrue(help.contains("--group-id") && help.contains("(default: callstitch-assemble)"), help);
        KafkaJobOptions.FLAGS.forEach(flag -> assertTrue(help.contains("--" + flag.name()), flag.name()));
    }

    private AssembleOptions parse(String... args) throws UsageException, Cli.HelpShown {
        return AssembleOptions.parse(args, helpOut);
    }
}
