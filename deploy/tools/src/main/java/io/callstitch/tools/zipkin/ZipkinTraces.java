package io.callstitch.tools.zipkin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Reads traces back through a Zipkin server's HTTP API ({@code /api/v2/trace/{traceId}}). */
public final class ZipkinTraces {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ZipkinTraces() {}

    /** One span as the API returns it; {@code parentId} is null for none. */
    public static final class Span {
        public final String traceId;
        public final String id;
        public final String parentId;
        /** The {@code callstitch.id} tag: the call the span stands for. */
        public final String callId;

        Span(String traceId, String id, String parentId, String callId) {
            this.traceId = traceId;
            this.id = id;
            this.parentId = parentId;
            this.callId = callId;
        }
    }

    /** The spans of a trace; empty while Zipkin does not know it (404). */
    public static List<Span> trace(String zipkinUrl, String traceId) throws IOException, InterruptedException {
        // plain HTTP/1.1: the JDK client's default h2c upgrade attempt can leave Zipkin's server closing the exchange
        HttpResponse<String> response = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build().send(
                HttpRequest.newBuilder(URI.create(zipkinUrl + "/api/v2/trace/" + traceId)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() == 404) {
            return List.of();
        }
        if (response.statusCode() != 200) {
            throw new IOException("Zipkin answered " + response.statusCode() + " for trace " + traceId + ": " + response.body());
        }
        List<Span> spans = new ArrayList<>();
        for (JsonNode span : JSON.readTree(response.body())) {
            JsonNode tags = span.path("tags");
            spans.add(new Span(span.path("traceId").asText(), span.path("id").asText(),
                    span.hasNonNull("parentId") ? span.get("parentId").asText() : null,
                    tags.hasNonNull("callstitch.id") ? tags.get("callstitch.id").asText() : null));
        }
        return spans;
    }

    /**
     * Polls until the trace has at least {@code count} spans, or the deadline passes; returns what it has then.
     * A failed request is tried again until the deadline, then raised.
     */
    public static List<Span> awaitSpans(String zipkinUrl, String traceId, int count, Duration deadline)
            throws IOException, InterruptedException {
        long end = System.nanoTime() + deadline.toNanos();
        while (true) {
            try {
                List<Span> spans = trace(zipkinUrl, traceId);
                if (spans.size() >= count || System.nanoTime() >= end) {
                    return spans;
                }
            } catch (IOException e) {
                if (System.nanoTime() >= end) {
                    throw e;
                }
            }
            Thread.sleep(500);
        }
    }
}
