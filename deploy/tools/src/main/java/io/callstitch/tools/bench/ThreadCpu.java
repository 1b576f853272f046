package io.callstitch.tools.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a run's CPU went, by thread: the benchmark's cluster runs in its own JVM, so every task of every job is a
 * thread of it. Sampled once a second, the CPU each thread used while it was seen, summed by what the thread does
 * (its task's first operator, the Kafka clients' I/O, the JIT). Threads that are not Java threads (the garbage
 * collector's, RocksDB's flushes and compactions) are not seen, nor is a thread that starts and ends between two
 * samples: the groups add up to less than the process's CPU, and the line says how much was seen.
 */
final class ThreadCpu {
    private static final Pattern SUBTASK = Pattern.compile("\\s*\\(\\d+/\\d+\\)(#\\d+)?");

    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private final Map<Long, long[]> firstAndLast = new HashMap<>();
    private final Map<Long, String> names = new HashMap<>();
    private boolean first = true;

    synchronized void sample() {
        long[] ids = threads.getAllThreadIds();
        ThreadInfo[] infos = threads.getThreadInfo(ids);
        for (int i = 0; i < ids.length; i++) {
            long cpu = threads.getThreadCpuTime(ids[i]);
            if (cpu < 0 || infos[i] == null) {
                continue;
            }
            long[] seen = firstAndLast.get(ids[i]);
            if (seen == null) {
                // a thread born since the first sample used all its CPU inside the run
                firstAndLast.put(ids[i], new long[] {first ? cpu : 0, cpu});
                names.put(ids[i], infos[i].getThreadName());
            } else {
                seen[1] = cpu;
            }
        }
        first = false;
    }

    /** CPU ms seen per group of threads, largest first. */
    synchronized Map<String, Double> byGroup() {
        Map<String, Double> groups = new TreeMap<>();
        for (Map.Entry<Long, long[]> thread : firstAndLast.entrySet()) {
            double ms = (thread.getValue()[1] - thread.getValue()[0]) / 1e6;
            groups.merge(group(names.get(thread.getKey())), ms, Double::sum);
        }
        List<Map.Entry<String, Double>> sorted = new ArrayList<>(groups.entrySet());
        sorted.sort(Map.Entry.<String, Double>comparingByValue().reversed());
        Map<String, Double> largestFirst = new LinkedHashMap<>();
        sorted.forEach(entry -> largestFirst.put(entry.getKey(), entry.getValue()));
        return largestFirst;
    }

    /** What a thread does, from its name: a task by its first operator, or the kind of helper it is. */
    static String group(String name) {
        // a task's thread is named after its chain of operators and its subtask: "A -> B -> Sink: C (1/2)#0"
        Matcher subtask = SUBTASK.matcher(name);
        boolean isTask = subtask.find();
        String task = subtask.replaceAll("");
        if (task.startsWith("kafka-producer-network-thread")) {
            return "Kafka producers' I/O";
        }
        if (task.startsWith("Kafka Fetcher for") || task.startsWith("kafka-coordinator")) {
            return "Kafka consumers' I/O";
        }
        if (task.contains("CompilerThread")) {
            return "JIT compiler";
        }
        if (task.startsWith("Legacy Source Thread - ")) {
            task = task.substring("Legacy Source Thread - ".length());
        }
        if (task.startsWith("AsyncOperations")) {
            return "asynchronous checkpoint parts";
        }
        if (task.equals("main") || task.startsWith("heap-sampler") || task.startsWith("state-sampler")) {
            return "the benchmark (reader, check, samplers)";
        }
        if (!isTask) {
            return "Flink's runtime and the rest";
        }
        int chained = task.indexOf(" -> ");
        if (chained > 0) {
            return task.substring(0, chained);
        }
        // a lone task: its name up to the topic it names
        int to = task.indexOf(" to ");
        return to > 0 ? task.substring(0, to) : task;
    }

    /** One line: the largest groups' shares of the CPU seen, and how much of the process's CPU that is. */
    static String summary(Map<String, Double> groups, double processCpuMs, int largest) {
        double seen = groups.values().stream().mapToDouble(Double::doubleValue).sum();
        StringBuilder line = new StringBuilder();
        int shown = 0;
        for (Map.Entry<String, Double> group : groups.entrySet()) {
            if (shown++ == largest) {
                break;
            }
            line.append(shown > 1 ? "; " : "").append(String.format("%s %.0f%%", group.getKey(), 100 * group.getValue() / Math.max(seen, 1)));
        }
        return String.format("CPU by thread (%.0f%% of the JVM's CPU seen): %s", processCpuMs <= 0 ? 0 : Math.min(100, 100 * seen / processCpuMs),
                line);
    }
}
