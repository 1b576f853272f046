package io.callstitch.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The helper on real child JVMs: what it starts it recognises, and it never signals a process it does not recognise. */
class ChildJvmTest {

    /** A child JVM that waits to be stopped. */
    public static final class Sleeper {
        public static void main(String[] args) throws InterruptedException {
            Thread.sleep(Duration.ofMinutes(5).toMillis());
        }
    }

    private static List<String> sleeper(String instance) {
        return List.of(ChildJvm.java().toString(), "-Xmx32m", "-cp", System.getProperty("java.class.path"), Sleeper.class.getName(),
                "--instance", instance);
    }

    @Test
    void aStartedJvmIsRecognisedByItsMainClassAndArgumentAndStopped(@TempDir Path dir) throws Exception {
        Process process = ChildJvm.start(sleeper(dir.toString()), dir.resolve("out.log"), true);
        try {
            assertTrue(ChildJvm.runs(process.toHandle(), Sleeper.class.getName(), "--instance " + dir));
            assertFalse(ChildJvm.runs(process.toHandle(), Sleeper.class.getName(), "--instance /elsewhere"), "another instance");
            assertFalse(ChildJvm.runs(process.toHandle(), "Sleeper", "--instance " + dir), "the main class is a whole word");
            assertTrue(ChildJvm.stop(process.toHandle(), Duration.ofSeconds(10)));
            assertFalse(process.isAlive());
        } finally {
            process.destroyForcibly();
        }
    }

    @Test
    void theScriptCommandsStartCheckAndStopThroughThePidFile(@TempDir Path dir) throws Exception {
        Path pidFile = dir.resolve("sleeper.pid");
        List<String> start = new ArrayList<>(List.of("start", "--pid-file", pidFile.toString(), "--log", dir.resolve("out").toString(), "--"));
        start.addAll(sleeper(dir.toString()));
        assertEquals(0, ChildJvm.run(start.toArray(new String[0])));
        long pid = new PidFile(pidFile).read().getAsLong();
        String[] alive = {"alive", "--pid-file", pidFile.toString(), "--main", Sleeper.class.getName(), "--arg", "--instance " + dir};
        try {
            assertEquals(0, ChildJvm.run(alive));
            assertEquals(0, ChildJvm.run(new String[] {"stop", "--pid-file", pidFile.toString(), "--main", Sleeper.class.getName(),
                "--arg", "--instance " + dir, "--name", "sleeper", "--grace-seconds", "10"}));
            assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "stopped");
            assertFalse(Files.exists(pidFile), "pid file forgotten");
            assertEquals(1, ChildJvm.run(alive), "nothing runs any more");
        } finally {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    @Test
    void aPidFileNamingAnotherProcessIsForgottenAndTheProcessLeftAlone(@TempDir Path dir) {
        Path pidFile = dir.resolve("stale.pid");
        // this test's own JVM: alive, a java process, but not the one asked for
        new PidFile(pidFile).write(ProcessHandle.current().pid());
        assertEquals(1, ChildJvm.run(new String[] {"alive", "--pid-file", pidFile.toString(), "--main", Sleeper.class.getName(),
            "--arg", "--instance " + dir}));
        assertEquals(0, ChildJvm.run(new String[] {"stop", "--pid-file", pidFile.toString(), "--main", Sleeper.class.getName(),
            "--arg", "--instance " + dir}));
        assertTrue(ProcessHandle.current().isAlive());
        assertFalse(Files.exists(pidFile));
    }

    @Test
    void aBadCommandLineIsAUsageError() {
        assertEquals(2, ChildJvm.run(new String[0]));
        assertEquals(2, ChildJvm.run(new String[] {"stop", "--pid-file"}));
        assertEquals(2, ChildJvm.run(new String[] {"jump", "--pid-file", "x"}));
        assertEquals(2, ChildJvm.run(new String[] {"start", "--pid-file", "x"}));
    }
}
