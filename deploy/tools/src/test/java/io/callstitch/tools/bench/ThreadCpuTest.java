package io.callstitch.tools.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ThreadCpuTest {

    @Test
    void threadsAreGroupedByTheirTasksFirstOperator() {
        assertEquals("Match edges per ip and bucket", ThreadCpu.group("Match edges per ip and bucket (2/2)#0"));
        assertEquals("Pick best parents per ip", ThreadCpu.group(
                "Pick best parents per ip -> Append progress marks -> Sink: Write edge pieces to bench-low.r1.pipeline.edges (1/2)#0"));
        assertEquals("Source: Read raw calls", ThreadCpu.group("Legacy Source Thread - Source: Read raw calls -> Route rejected records (1/1)#0"));
        assertEquals("Sink: Write dead letters", ThreadCpu.group("Sink: Write dead letters to bench-low.r1.pipeline.dead-letter (2/2)#0"));
        assertEquals("Kafka producers' I/O", ThreadCpu.group("kafka-producer-network-thread | producer-Drop duplicate ids -> File each"));
        assertEquals("Kafka consumers' I/O", ThreadCpu.group("Kafka Fetcher for Source: Read calls by ip (1/1)#0"));
        assertEquals("JIT compiler", ThreadCpu.group("C2 CompilerThread0"));
        assertEquals("the benchmark (reader, check, samplers)", ThreadCpu.group("main"));
        assertEquals("Flink's runtime and the rest", ThreadCpu.group("flink-akka.actor.default-dispatcher-5"));
    }

    @Test
    void theSummaryGivesSharesOfWhatWasSeenAndHowMuchWasSeen() {
        Map<String, Double> groups = new LinkedHashMap<>();
        groups.put("Match edges per ip and bucket", 600.0);
        groups.put("JIT compiler", 300.0);
        groups.put("Flink's runtime and the rest", 100.0);
        String line = ThreadCpu.summary(groups, 2000, 2);
        assertEquals("CPU by thread (50% of the JVM's CPU seen): Match edges per ip and bucket 60%; JIT compiler 30%", line);
    }

    @Test
    void aBusyThreadOfThisJvmIsSeen() throws Exception {
        ThreadCpu cpu = new ThreadCpu();
        cpu.sample();
        CountDownLatch burned = new CountDownLatch(1);
        CountDownLatch sampled = new CountDownLatch(1);
        Thread busy = new Thread(() -> {
            // at least 100 ms of this thread's own CPU, then held alive until it has been sampled
            ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            double sink = 0;
            while (threads.getCurrentThreadCpuTime() < 100_000_000L) {
                sink += Math.sqrt(sink + 1);
            }
            burned.countDown();
            try {
                sampled.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (sink < 0) {
                System.out.println(sink);
            }
        }, "Busy work -> Sink: Write nowhere (1/1)#0");
        busy.start();
        assertTrue(burned.await(60, TimeUnit.SECONDS));
        cpu.sample();
        sampled.countDown();
        busy.join();
        assertTrue(cpu.byGroup().getOrDefault("Busy work", 0.0) >= 100, cpu.byGroup().toString());
    }
}
