package io.callstitch.tools.bench;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads one running job's figures from Flink's REST API, as an operator would from the web UI: a metric
 * summed over all subtasks, and the size of the latest completed checkpoint.
 */
public final class JobProbe {
    private static final Pattern VERTEX = Pattern.compile("\"id\":\"([0-9a-f]{32})\"");
    private static final Pattern SUM = Pattern.compile("\"sum\":([-0-9.Ee]+)");
    private static final Pattern LATEST_COMPLETED = Pattern.compile("\"latest\":\\{\"completed\":\\{[^}]*?\"id\":(\\d+)[^}]*?\"state_size\":(\\d+)");
    private static final Pattern LATEST_DURATION = Pattern.compile("\"latest\":\\{\"completed\":\\{[^}]*?\"end_to_end_duration\":(\\d+)");
    private static final Pattern COMPLETED_COUNT = Pattern.compile("\"completed\":(\\d+)");

    private final HttpClient http = HttpClient.newHttpClient();
    private final URI rest;
    private final String jobId;

    public JobProbe(URI rest, String jobId) {
        this.rest = rest;
        this.jobId = jobId;
    }

    /** The metric summed over every subtask of every vertex that has it; -1 when none has it (yet). */
    public long metricSum(String name) throws IOException, InterruptedException {
        Set<String> vertices = new LinkedHashSet<>();
        Matcher vertex = VERTEX.matcher(get("/jobs/" + jobId));
        while (vertex.find()) {
            vertices.add(vertex.group(1));
        }
        long sum = -1;
        Pattern id = Pattern.compile("\"id\":\"([^\"]*\\." + Pattern.quote(name) + ")\"");
        for (String vid : vertices) {
            // every metric of that name: RocksDB reports one per column family, that is, per state
            Matcher metric = id.matcher(get("/jobs/" + jobId + "/vertices/" + vid + "/subtasks/metrics"));
            while (metric.find()) {
                Matcher value = SUM.matcher(get("/jobs/" + jobId + "/vertices/" + vid + "/subtasks/metrics?get="
                        + URLEncoder.encode(metric.group(1), StandardCharsets.UTF_8) + "&agg=sum"));
                if (value.find()) {
                    sum = Math.max(sum, 0) + (long) Double.parseDouble(value.group(1));
                }
            }
        }
        return sum;
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
