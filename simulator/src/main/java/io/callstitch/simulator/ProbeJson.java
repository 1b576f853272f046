package io.callstitch.simulator;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.callstitch.schema.Call;

/** What the probes write on the raw topic: a call as one JSON object with the six input fields, or a heartbeat. */
public final class ProbeJson {
    private static final JsonFactory JSON = new JsonFactory();

    private ProbeJson() {}

    public static String write(Call call) {
        StringWriter out = new StringWriter(160);
        try (JsonGenerator json = JSON.createGenerator(out)) {
            json.writeStartObject();
            json.writeStringField("id", call.getId());
            json.writeStringField("src_ip", call.getSrcIp());
            json.writeStringField("dst_ip", call.getDstIp());
            json.writeNumberField("start_at_ms", call.getStartAtMs());
            json.writeNumberField("latency_msec", call.getLatencyMsec());
            json.writeNumberField("end_at_ms", call.getEndAtMs());
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    /** A heartbeat: its partition has delivered every call ending at or before {@code atMs}. */
    public static String heartbeat(long atMs) {
        return "{\"heartbeat_at_ms\":" + atMs + "}";
    }
}
