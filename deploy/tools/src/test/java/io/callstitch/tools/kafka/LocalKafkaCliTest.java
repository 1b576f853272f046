package io.callstitch.tools.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callstitch.common.Cli;
import io.callstitch.common.UsageException;
import io.callstitch.infra.kafka.LocalKafka;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI's parsing and its pid-file safety; no broker is started here. */
class LocalKafkaCliTest {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

    private String output() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void unknownCommandIsAUsageError() {
        UsageException e = assertThrows(UsageException.class, () -> LocalKafkaCli.run(new String[] {"start"}, out));
        assertEquals("unknown command 'start': expected up, down, topics or status", e.getMessage());
    }

    @Test
    void missingCommandIsAUsageError() {
        assertThrows(UsageException.class, () -> LocalKafkaCli.run(new String[0], out));
    }

    @Test
    void portOutOfRangeNamesTheFlag() {
        UsageException e = assertThrows(UsageException.class,
                () -> LocalKafkaCli.run(new String[] {"up", "--port", "70000"}, out));
        assertEquals("flag --port must be a port from 1 to 65535, got 70000", e.getMessage());
    }

    @Test
    void flagOfAnotherCommandIsRejected() {
        UsageException e = assertThrows(UsageException.class,
                () -> LocalKafkaCli.run(new String[] {"down", "--partitions", "3"}, out));
        assertEquals("unknown flag --partitions", e.getMessage());
    }

    @Test
    void twoTopicFlagsNamingOneTopicAreAUsageError() {
        UsageException e = assertThrows(UsageException.class,
                () -> LocalKafkaCli.run(new String[] {"topics", "--edges-topic", "calls.raw"}, out));
        assertEquals("topic calls.raw is named by two topic flags", e.getMessage());
    }

    @Test
    void commandHelpListsItsFlags() {
        assertThrows(Cli.HelpShown.class, () -> LocalKafkaCli.run(new String[] {"topics", "--help"}, out));
        assertTrue(output().contains("--raw-partitions"), output());
        assertTrue(output().contains("--bootstrap"), output());
    }

    @Test
    void overviewListsTheCommands() {
        assertThrows(Cli.HelpShown.class, () -> LocalKafkaCli.run(new String[] {"--help"}, out));
        for (String command : new String[] {"up", "down", "topics", "status"}) {
            assertTrue(output().contains("  " + command + " "), output());
        }
    }

    @Test
    void downLeavesAProcessThatIsNotTheBrokerAlone(@TempDir Path dataDir) throws Exception {
        // the pid of this very JVM: a stale pid file that now names an unrelated live process
        LocalKafka.pidFile(dataDir).write(ProcessHandle.current().pid());
        int exit = LocalKafkaCli.run(new String[] {"down", "--data-dir", dataDir.toString()}, out);
        assertEquals(0, exit);
        assertTrue(output().contains("is not the broker of"), output());
        assertFalse(Files.exists(LocalKafka.pidFile(dataDir).path()), "stale pid file removed");
    }

    @Test
    void statusWithoutBrokerExitsOne(@TempDir Path dataDir) throws Exception {
        assertEquals(LocalKafkaCli.EXIT_FAILURE, LocalKafkaCli.run(new String[] {"status", "--data-dir", dataDir.toString()}, out));
        assertTrue(output().startsWith("Kafka is not running"), output());
    }
}
