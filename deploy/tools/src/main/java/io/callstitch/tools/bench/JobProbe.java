package io.callstitch.tools.bench;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads one running job's figures from Flink's REST API, as an operator would from the web UI: a metric
 * summed over all subtasks, and the size of the latest completed checkpoint.
 */
public final class JobProbe {
    private static final Pattern VERTEX = Pattern.compile("\"id\":\"([0-9a-f]{32})\"");
    private static final Pattern METRIC_ID = Pattern.compile("\"id\":\"([^\"]*)\"");
    private static final Pattern SUM = Pattern.compile("\"sum\":([-0-9.Ee]+)");
    private static final Pattern LATEST_COMPLETED = Pattern.compile("\"latest\":\\{\"completed\":\\{[^}]*?\"id\":(\\d+)[^}]*?\"state_size\":(\\d+)");
    private static final Pattern LATEST_DURATION = Pattern.compile("\"latest\":\\{\"completed\":\\{[^}]*?\"end_to_end_duration\":(\\d+)");
    private static final Pattern COMPLETED_COUNT = Pattern.compile("\"completed\":(\\d+)");
    private static final long LOOK_AGAIN_NANOS = 30_000_000_000L;

    private final HttpClient http = HttpClient.newHttpClient();
    private final URI rest;
    private final String jobId;
    /** Per metric looked for: per vertex, its full names (see {@link #metricSum}). */
    private final Map<String, Map<String, List<String>>> names = new HashMap<>();
    private final Map<String, Long> foundAtNanos = new HashMap<>();

    public JobProbe(URI rest, String jobId) {
        this.rest = rest;
        this.jobId = jobId;
    }

    /**
     * The metric summed over every subtask of every vertex that has it; -1 when none has it (yet). Which
     * vertices have it, and under which full names, is looked up until found and then kept: the benchmark's
     * cluster shares its JVM with the jobs it measures, and listing every metric of every vertex each second
     * (hundreds, most of them the Kafka clients') was the largest part of what following a job cost.
     */
    public long metricSum(String name) throws IOException, InterruptedException {
        Map<String, List<String>> where = names.get(name);
        Long foundAt = foundAtNanos.get(name);
        if (where == null || System.nanoTime() - foundAt > LOOK_AGAIN_NANOS) {
            // looked up again now and then: a subtask that was not running yet had not reported its metrics
            where = findMetric(name);
            if (where.isEmpty()) {
                return -1;
            }
            names.put(name, where);
            foundAtNanos.put(name, System.nanoTime());
        }
        long sum = -1;
        for (Map.Entry<String, List<String>> vertex : where.entrySet()) {
            for (String full : vertex.getValue()) {
                Matcher value = SUM.matcher(get("/jobs/" + jobId + "/vertices/" + vertex.getKey() + "/subtasks/metrics?get="
                        + URLEncoder.encode(full, StandardCharsets.UTF_8) + "&agg=sum"));
                if (value.find()) {
                    sum = Math.max(sum, 0) + (long) Double.parseDouble(value.group(1));
                }
            }
        }
        return sum;
    }

    /** Per vertex, the full names of the metrics called {@code name}; RocksDB reports one per column family, that is, per state. */
    private Map<String, List<String>> findMetric(String name) throws IOException, InterruptedException {
        Set<String> vertices = new LinkedHashSet<>();
        Matcher vertex = VERTEX.matcher(get("/jobs/" + jobId));
        while (vertex.find()) {
            vertices.add(vertex.group(1));
        }
        Map<String, List<String>> where = new LinkedHashMap<>();
        String suffix = "." + name;
        for (String vid : vertices) {
            Matcher metric = METRIC_ID.matcher(get("/jobs/" + jobId + "/vertices/" + vid + "/subtasks/metrics"));
            while (metric.find()) {
                if (metric.group(1).endsWith(suffix)) {
                    where.computeIfAbsent(vid, v -> new ArrayList<>()).add(metric.group(1));
                }
            }
        }
        return where;
    }

    /** How many checkpoints the job has completed. */
    long completedCheckpoints() throws IOException, InterruptedException {
        Matcher matcher = COMPLETED_COUNT.matcher(get("/jobs/" + jobId + "/checkpoints"));
        return matcher.find() ? Long.parseLong(matcher.group(1)) : 0;
    }

    /** {id, bytes} of the latest completed checkpoint, or null before the first. */
    public long[] latestCheckpoint() throws IOException, InterruptedException {
        Matcher matcher = LATEST_COMPLETED.matcher(get("/jobs/" + jobId + "/checkpoints"));
        return matcher.find() ? new long[] {Long.parseLong(matcher.group(1)), Long.parseLong(matcher.group(2))} : null;
    }

    /** How long the latest completed checkpoint took, end to end, in ms; -1 before the first. */
    public long latestCheckpointDurationMs() throws IOException, InterruptedException {
        Matcher matcher = LATEST_DURATION.matcher(get("/jobs/" + jobId + "/checkpoints"));
        return matcher.find() ? Long.parseLong(matcher.group(1)) : -1;
    }

    private String get(String path) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(rest.resolve(path)).build(), HttpResponse.BodyHandlers.ofString());
        return response.statusCode() == 200 ? response.body() : "";
    }
}
