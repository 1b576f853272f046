package io.callstitch.common;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callstitch.schema.Call;
import io.callstitch.schema.Status;
import io.callstitch.schema.StitchedCall;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class StitchedJsonTest {
    private static final StitchedCall SEED_ID1 =
            stitched(call("id1", "10.0.0.1", "10.0.0.2", 1000, 1500), List.of(), List.of("id2"), Status.OK);

    @Test
    void writesSeedExampleExactly() {
        String expected = "{\"id\":\"id1\",\"src_ip\":\"10.0.0.1\",\"dst_ip\":\"10.0.0.2\",\"start_at_ms\":1000,"
                + "\"latency_msec\":500,\"end_at_ms\":1500,\"parents\":[],\"children\":[\"id2\"],\"status\":\"OK\","
                + "\"best_parent\":null,\"best_parent_confidence\":null,\"best_children\":[]}";

        assertEquals(expected, StitchedJson.toJson(SEED_ID1));
        assertArrayEquals(expected.getBytes(StandardCharsets.UTF_8), StitchedJson.toBytes(SEED_ID1));
    }

    @Test
    void writesTheBestParentAfterTheSeedsFields() {
        StitchedCall id2 = StitchedCall.newBuilder(
                stitched(call("id2", "10.0.0.2", "10.0.0.3", 1100, 1300), List.of("id1"), List.of(), Status.OK))
                .setBestParent("id1").setBestParentConfidence(0.9731).build();

        assertEquals("{\"id\":\"id2\",\"src_ip\":\"10.0.0.2\",\"dst_ip\":\"10.0.0.3\",\"start_at_ms\":1100,"
                + "\"latency_msec\":200,\"end_at_ms\":1300,\"parents\":[\"id1\"],\"children\":[],\"status\":\"OK\","
                + "\"best_parent\":\"id1\",\"best_parent_confidence\":0.9731,\"best_children\":[]}", StitchedJson.toJson(id2));
        assertEquals(id2, StitchedJson.parse(StitchedJson.toJson(id2)));
    }

    @Test
    void readsLinesWrittenBeforeTheBestParent() {
        String seedLine = "{\"id\":\"id1\",\"src_ip\":\"10.0.0.1\",\"dst_ip\":\"10.0.0.2\",\"start_at_ms\":1000,"
                + "\"latency_msec\":500,\"end_at_ms\":1500,\"parents\":[],\"children\":[\"id2\"],\"status\":\"OK\"}";

        assertEquals(SEED_ID1, StitchedJson.parse(seedLine));
    }

    @Test
    void refusesABestParentWithoutItsConfidence() {
        String line = StitchedJson.toJson(SEED_ID1).replace("\"best_parent\":null", "\"best_parent\":\"id0\"");

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> StitchedJson.parse(line));
        assertTrue(e.getMessage().contains("null together"), e.getMessage());
    }

    @Test
    void equalCallsGiveEqualBytes() {
        StitchedCall copy = StitchedCall.newBuilder(SEED_ID1).build();

        assertArrayEquals(StitchedJson.toBytes(SEED_ID1), StitchedJson.toBytes(copy));
    }

    @Test
    void roundTripsEveryField() {
        StitchedCall call = stitched(call("id3", "10.0.0.3", "10.0.0.4", 1_700_000_001_120L, 1_700_000_001_220L),
                List.of("id1", "id2"), List.of("id4", "id5", "id6"), Status.LATENCY_ABOVE_MAX);

        assertEquals(call, StitchedJson.parse(StitchedJson.toJson(call)));
    }

    @Test
    void roundTripsEveryStatus() {
        for (Status status : Status.values()) {
            StitchedCall call = StitchedCall.newBuilder(SEED_ID1).setStatus(status).build();

            assertEquals(call, StitchedJson.parse(StitchedJson.toJson(call)));
        }
    }

    @Test
    void escapesOddIdsAndStaysOnOneLine() {
        String odd = "quote\" backslash\\ newline\n tab\t bell\u0007 slash/ é 中 \uD83D\uDE00";
        StitchedCall call = stitched(call(odd, "10.0.0.1", "10.0.0.2", 1000, 1500),
                List.of("line\r\nbreak"), List.of("\u0000nul"), Status.OK);

        String json = StitchedJson.toJson(call);

        assertFalse(json.contains("\n") || json.contains("\r"), json);
        // jackson-core 2.11 writes characters outside the BMP as an escaped surrogate pair: valid JSON, same bytes every time
        assertTrue(json.startsWith("{\"id\":\"quote\\\" backslash\\\\ newline\\n tab\\t bell\\u0007 slash/ é 中 \\uD83D\\uDE00\","),
                json);
        assertTrue(json.contains("\"parents\":[\"line\\r\\nbreak\"],\"children\":[\"\\u0000nul\"]"), json);
        assertEquals(call, StitchedJson.parse(json));
    }

    @Test
    void parseAcceptsAnyFieldOrderAndWhitespace() {
        String line = "{ \"status\": \"LATE\", \"children\": [], \"parents\": [\"id1\"], \"end_at_ms\": 1300,"
                + " \"latency_msec\": 200, \"start_at_ms\": 1100, \"dst_ip\": \"10.0.0.3\", \"src_ip\": \"10.0.0.2\","
                + " \"id\": \"id2\" }";

        assertEquals(stitched(call("id2", "10.0.0.2", "10.0.0.3", 1100, 1300), List.of("id1"), List.of(), Status.LATE),
                StitchedJson.parse(line));
    }

    @Test
    void parseRejectsMissingField() {
        String line = StitchedJson.toJson(SEED_ID1).replace(",\"status\":\"OK\"", "");

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> StitchedJson.parse(line));
        assertEquals("missing field status", e.getMessage());
    }

    @Test
    void parseRejectsUnknownField() {
        String line = StitchedJson.toJson(SEED_ID1).replace("{", "{\"trace\":\"t1\",");

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> StitchedJson.parse(line));
        assertEquals("unknown field trace", e.getMessage());
    }

    @Test
    void parseRejectsWrongTypes() {
        String textNumber = StitchedJson.toJson(SEED_ID1).replace("\"start_at_ms\":1000", "\"start_at_ms\":\"1000\"");
        String numberId = StitchedJson.toJson(SEED_ID1).replace("\"children\":[\"id2\"]", "\"children\":[2]");
        String badStatus = StitchedJson.toJson(SEED_ID1).replace("\"OK\"", "\"FINE\"");

        assertThrows(IllegalArgumentException.class, () -> StitchedJson.parse(textNumber));
        assertThrows(IllegalArgumentException.class, () -> StitchedJson.parse(numberId));
        assertThrows(IllegalArgumentException.class, () -> StitchedJson.parse(badStatus));
    }

    @Test
    void parseRejectsBrokenJson() {
        assertThrows(IllegalArgumentException.class, () -> StitchedJson.parse("{\"id\":"));
        assertThrows(IllegalArgumentException.class, () -> StitchedJson.parse("[]"));
        assertThrows(IllegalArgumentException.class, () -> StitchedJson.parse(StitchedJson.toJson(SEED_ID1) + "{}"));
    }

    private static Call call(String id, String srcIp, String dstIp, long startAtMs, long endAtMs) {
        return new Call(id, srcIp, dstIp, startAtMs, endAtMs - startAtMs, endAtMs);
    }

    private static StitchedCall stitched(Call call, List<String> parents, List<String> children, Status status) {
        return new StitchedCall(call.getId(), call.getSrcIp(), call.getDstIp(), call.getStartAtMs(), call.getLatencyMsec(),
                call.getEndAtMs(), parents, children, status, null, null, List.of());
    }
}
