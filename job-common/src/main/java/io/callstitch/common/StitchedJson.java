package io.callstitch.common;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.callstitch.schema.Status;
import io.callstitch.schema.StitchedCall;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A {@link StitchedCall} as one line of JSON, the optional format of {@code calls.stitched}:
 *
 * <pre>{"id":"id2","src_ip":"10.0.0.2","dst_ip":"10.0.0.3","start_at_ms":1100,"latency_msec":200,"end_at_ms":1300,"parents":["id1"],"children":[],"status":"OK","best_parent":"id1","best_parent_confidence":1.0,"best_children":[]}</pre>
 *
 * <p>Always these names in this order, no whitespace, UTF-8, so equal calls give equal bytes. The best
 * parent and its confidence are {@code null} for a call without candidates; reading, they and the best
 * children may be absent (lines written before they existed).
 */
public final class StitchedJson {
    public static final String ID = "id";
    public static final String SRC_IP = "src_ip";
    public static final String DST_IP = "dst_ip";
    public static final String START_AT_MS = "start_at_ms";
    public static final String LATENCY_MSEC = "latency_msec";
    public static final String END_AT_MS = "end_at_ms";
    public static final String PARENTS = "parents";
    public static final String CHILDREN = "children";
    public static final String STATUS = "status";
    public static final String BEST_PARENT = "best_parent";
    public static final String BEST_PARENT_CONFIDENCE = "best_parent_confidence";
    public static final String BEST_CHILDREN = "best_children";

    private static final List<String> FIELDS =
            List.of(ID, SRC_IP, DST_IP, START_AT_MS, LATENCY_MSEC, END_AT_MS, PARENTS, CHILDREN, STATUS);

    // thread-safe once configured; creating generators and parsers from it is cheap
    private static final JsonFactory JSON = new JsonFactory();

    private StitchedJson() {}

    /** The call as one JSON object in UTF-8, without a line end. */
    public static byte[] toBytes(StitchedCall call) {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream(256);
        try (JsonGenerator json = JSON.createGenerator(buffer, JsonEncoding.UTF8)) {
            json.writeStartObject();
            json.writeStringField(ID, call.getId());
            json.writeStringField(SRC_IP, call.getSrcIp());
            json.writeStringField(DST_IP, call.getDstIp());
            json.writeNumberField(START_AT_MS, call.getStartAtMs());
            json.writeNumberField(LATENCY_MSEC, call.getLatencyMsec());
            json.writeNumberField(END_AT_MS, call.getEndAtMs());
            writeIds(json, PARENTS, call.getParents());
            writeIds(json, CHILDREN, call.getChildren());
            json.writeStringField(STATUS, call.getStatus().name());
            if (call.getBestParent() == null) {
                json.writeNullField(BEST_PARENT);
                json.writeNullField(BEST_PARENT_CONFIDENCE);
            } else {
                json.writeStringField(BEST_PARENT, call.getBestParent());
                json.writeNumberField(BEST_PARENT_CONFIDENCE, call.getBestParentConfidence());
            }
            writeIds(json, BEST_CHILDREN, call.getBestChildren());
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write call " + call.getId() + " as JSON", e);
        }
        return buffer.toByteArray();
    }

    /** The call as one JSON object, without a line end. */
    public static String toJson(StitchedCall call) {
        return new String(toBytes(call), StandardCharsets.UTF_8);
    }

    /**
     * Reads back one object written by {@link #toJson}; fields may come in any order, but every field
     * must be present, once, with its JSON type.
     *
     * @throws IllegalArgumentException naming what is wrong, for anything else
     */
    public static StitchedCall parse(String line) {
        StitchedCall.Builder call = StitchedCall.newBuilder();
        Set<String> seen = new HashSet<>();
        try (JsonParser json = JSON.createParser(line)) {
            expect(json.nextToken() == JsonToken.START_OBJECT, "expected a JSON object");
            while (json.nextToken() == JsonToken.FIELD_NAME) {
                String name = json.getCurrentName();
                expect(seen.add(name), "field " + name + " given twice");
                json.nextToken();
                switch (name) {
                    case ID:
                        call.setId(text(json, name));
                        break;
                    case SRC_IP:
                        call.setSrcIp(text(json, name));
                        break;
                    case DST_IP:
                        call.setDstIp(text(json, name));
                        break;
                    case START_AT_MS:
                        call.setStartAtMs(number(json, name));
                        break;
                    case LATENCY_MSEC:
                        call.setLatencyMsec(number(json, name));
                        break;
                    case END_AT_MS:
                        call.setEndAtMs(number(json, name));
                        break;
                    case PARENTS:
                        call.setParents(ids(json, name));
                        break;
                    case CHILDREN:
                        call.setChildren(ids(json, name));
                        break;
                    case STATUS:
                        call.setStatus(status(json, name));
                        break;
                    case BEST_PARENT:
                        call.setBestParent(json.currentToken() == JsonToken.VALUE_NULL ? null : text(json, name));
                        break;
                    case BEST_PARENT_CONFIDENCE:
                        call.setBestParentConfidence(json.currentToken() == JsonToken.VALUE_NULL ? null : probability(json, name));
                        break;
                    case BEST_CHILDREN:
                        call.setBestChildren(ids(json, name));
                        break;
                    default:
                        throw new IllegalArgumentException("unknown field " + name);
                }
            }
            expect(json.currentToken() == JsonToken.END_OBJECT, "expected a field name or the end of the object");
            expect(json.nextToken() == null, "trailing text after the object");
        } catch (IOException e) {
            throw new IllegalArgumentException("not a stitched call in JSON: " + e.getMessage(), e);
        }
        for (String field : FIELDS) {
            expect(seen.contains(field), "missing field " + field);
        }
        expect((call.getBestParent() == null) == (call.getBestParentConfidence() == null),
                "fields " + BEST_PARENT + " and " + BEST_PARENT_CONFIDENCE + " must be null together");
        return call.build();
    }

    private static void writeIds(JsonGenerator json, String name, List<String> ids) throws IOException {
        json.writeArrayFieldStart(name);
        for (String id : ids) {
            json.writeString(id);
        }
        json.writeEndArray();
    }

    private static String text(JsonParser json, String name) throws IOException {
        expect(json.currentToken() == JsonToken.VALUE_STRING, "field " + name + " must be a string");
        return json.getText();
    }

    private static long number(JsonParser json, String name) throws IOException {
        expect(json.currentToken() == JsonToken.VALUE_NUMBER_INT
                && json.getNumberType() != JsonParser.NumberType.BIG_INTEGER,
                "field " + name + " must be a whole number within a long");
        return json.getLongValue();
    }

    private static List<String> ids(JsonParser json, String name) throws IOException {
        expect(json.currentToken() == JsonToken.START_ARRAY, "field " + name + " must be an array of strings");
        List<String> ids = new ArrayList<>();
        while (json.nextToken() == JsonToken.VALUE_STRING) {
            ids.add(json.getText());
        }
        expect(json.currentToken() == JsonToken.END_ARRAY, "field " + name + " must be an array of strings");
        return ids;
    }

    private static double probability(JsonParser json, String name) throws IOException {
        expect(json.currentToken() == JsonToken.VALUE_NUMBER_FLOAT || json.currentToken() == JsonToken.VALUE_NUMBER_INT,
                "field " + name + " must be a number");
        double value = json.getDoubleValue();
        expect(value >= 0 && value <= 1, "field " + name + " must be between 0 and 1");
        return value;
    }

    private static Status status(JsonParser json, String name) throws IOException {
        String text = text(json, name);
        for (Status status : Status.values()) {
            if (status.name().equals(text)) {
                return status;
            }
        }
        throw new IllegalArgumentException("field " + name + " has unknown value '" + text + "'");
    }

    private static void expect(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }
}
