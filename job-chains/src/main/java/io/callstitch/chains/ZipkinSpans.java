package io.callstitch.chains;

import io.callstitch.schema.StitchedCall;
import java.util.List;
import javax.annotation.Nullable;

/**
 * One call as a Zipkin v2 span in JSON (the format of Zipkin's Kafka collector and of its
 * {@code /api/v2/spans}).
 *
 * <p>The span: {@code traceId} from the trace's root call, {@code id} from the call, {@code parentId}
 * from the chosen parent; kind {@code CLIENT}, seen from the caller: {@code localEndpoint} is the
 * source ip, {@code remoteEndpoint} the destination ip, each also as the service name (the probe
 * knows no names); name {@code "call to <dst_ip>"}; {@code timestamp} and {@code duration} in
 * microseconds. Tags: {@code callstitch.id} (the call id), {@code callstitch.status},
 * {@code callstitch.root} (the root call of the trace, when the call has one) and
 * {@code callstitch.other_parents} (the parents not chosen, comma-separated, when there are any).
 */
public final class ZipkinSpans {
    private ZipkinSpans() {}

    /**
     * @param traceRootId the call whose id gives the trace id: the root chosen for this call, or the call
     *     itself when no root reaches it
     * @param parentId the chosen parent, null for none
     * @param otherParents the call's other parents, sorted
     */
    public static String toJson(StitchedCall call, String traceRootId, @Nullable String parentId, boolean rooted,
            List<String> otherParents) {
        StringBuilder json = new StringBuilder(400);
        json.append("{\"traceId\":\"").append(ZipkinIds.traceId(traceRootId)).append('"');
        if (parentId != null) {
            json.append(",\"parentId\":\"").append(ZipkinIds.spanId(parentId)).append('"');
        }
        json.append(",\"id\":\"").append(ZipkinIds.spanId(call.getId())).append('"');
        json.append(",\"kind\":\"CLIENT\",\"name\":");
        string(json, "call to " + call.getDstIp());
        json.append(",\"timestamp\":").append(call.getStartAtMs() * 1000L);
        // Zipkin reads a duration of 0 as unknown; a call under a millisecond took at least 1 µs
        json.append(",\"duration\":").append(Math.max(1L, call.getLatencyMsec() * 1000L));
        json.append(",\"localEndpoint\":");
        endpoint(json, call.getSrcIp());
        json.append(",\"remoteEndpoint\":");
        endpoint(json, call.getDstIp());
        json.append(",\"tags\":{\"callstitch.id\":");
        string(json, call.getId());
        json.append(",\"callstitch.status\":");
        string(json, call.getStatus().name());
        if (rooted) {
            json.append(",\"callstitch.root\":");
            string(json, traceRootId);
        }
        if (!otherParents.isEmpty()) {
            json.append(",\"callstitch.other_parents\":");
            string(json, String.join(",", otherParents));
        }
        return json.append("}}").toString();
    }

    private static void endpoint(StringBuilder json, String ip) {
        json.append("{\"serviceName\":");
        string(json, ip);
        json.append(ip.indexOf(':') >= 0 ? ",\"ipv6\":" : ",\"ipv4\":");
        string(json, ip);
        json.append('}');
    }

    private static void string(StringBuilder json, String text) {
        json.append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"' || c == '\\') {
                json.append('\\').append(c);
            } else if (c < 0x20) {
                json.append(String.format("\\u%04x", (int) c));
            } else {
                json.append(c);
            }
        }
        json.append('"');
    }
}
