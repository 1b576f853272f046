package io.callstitch.rekey;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import io.callstitch.schema.Call;
import io.callstitch.schema.ParsedInput;
import io.callstitch.schema.Reason;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CallParserTest {
    /** This test's wall clock: 2023-11-14, a minute's bound ahead of it. */
    private static final long NOW = 1_700_000_000_000L;
    private final CallParser json = new CallParser(InputFormat.JSON, 1024, 16, 60_000, () -> NOW);
    private final CallParser csv = new CallParser(InputFormat.CSV, 1024, 16, 60_000, () -> NOW);

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void readsTheSeedRecordAsJson() {
        ParsedInput result = json.parse(bytes(
                "{\"id\":\"id1\",\"src_ip\":\"10.0.0.1\",\"dst_ip\":\"10.0.0.2\",\"start_at_ms\":1000,\"latency_msec\":500,\"end_at_ms\":1500}"));
        assertEquals(new Call("id1", "10.0.0.1", "10.0.0.2", 1000L, 500L, 1500L), result.getCall());
        assertNull(result.getReason());
    }

    @Test
    void toleratesUnknownFieldsInAnyOrder() {
        ParsedInput result = json.parse(bytes(
                "{\"end_at_ms\":1500,\"probe\":{\"v\":[1,2]},\"latency_msec\":500,\"id\":\"id1\",\"dst_ip\":\"10.0.0.2\",\"src_ip\":\"10.0.0.1\",\"start_at_ms\":1000}"));
        assertTrue(result.getCall() != null, String.valueOf(result.getDetail()));
    }

    @Test
    void readsTheSeedRecordAsCsv() {
        assertEquals(new Call("id1", "10.0.0.1", "10.0.0.2", 1000L, 500L, 1500L), csv.parse(bytes("id1,10.0.0.1,10.0.0.2,1000,500,1500\n")).getCall());
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', value = {
        "UNPARSEABLE|not json",
        "UNPARSEABLE|[1,2]",
        "UNPARSEABLE|{\"id\":\"a\"",
        "UNPARSEABLE|{\"id\":\"a\",\"id\":\"b\",\"src_ip\":\"10.0.0.1\",\"dst_ip\":\"10.0.0.2\",\"start_at_ms\":1,\"latency_msec\":1,\"end_at_ms\":2}",
        "UNPARSEABLE|{\"id\":\"a\",\"src_ip\":\"10.0.0.1\",\"dst_ip\":\"10.0.0.2\",\"start_at_ms\":1,\"latency_msec\":1,\"end_at_ms\":2} {}",
        "MISSING_FIELD|{\"src_ip\":\"10.0.0.1\",\"dst_ip\":\"10.0.0.2\",\"start_at_ms\":1,\"latency_msec\":1,\"end_at_ms\":2}",
        "MISSING_FIELD|{\"id\":null,\"src_ip\":\"10.0.0.1\",\"dst_ip\":\"10.0.0.2\",\"start_at_ms\":1,\"latency_msec\":1,\"end_at_ms\":2}",
        "MISSING_FIELD|{\"id\":\"\",\"src_ip\":\"10.0.0.1\",\"dst_ip\":\"10.0.0.2\",\"start_at_ms\":1,\"latency_msec\":1,\"end_at_ms\":2}",
        "WRONG_TYPE|{\"id\":7,\"src_ip\":\"10.0.0.1\",\"dst_ip\":\"10.0.0.2\",\"start_at_ms\":1,\"latency_msec\":1,\"end_at_ms\":2}",
        "WRONG_TYPE|{\"id\":\"a\",\"src_ip\":\"10.0.0.1\",\"dst_ip\":\"10.0.0.2\",\"start_at_ms\":\"1\",\"latency_msec\":1,\"end_at_ms\":2}",
        "WRONG_TYPE|{\"id\":\"a\",\"src_ip\":\"10.0.0.1\",\"dst_ip\":\"10.0.0.2\",\"start_at_ms\":1.5,\"latency_msec\":1,\"end_at_ms\":2}",
        "WRONG_TYPE|{\"id\":\"a\",\"src_ip\":\"10.0.0.1\",\"dst_ip\":\"10.0.0.2\",\"start_at_ms\":99999999999999999999,\"latency_msec\":1,\"end_at_ms\":2}",
        "NEGATIVE_LATENCY|{\"id\":\"a\",\"src_ip\":\"10.0.0.1\",\"dst_ip\":\"10.0.0.2\",\"start_at_ms\":10,\"latency_msec\":-1,\"end_at_ms\":9}",
        "NEGATIVE_VALUE|{\"id\":\"a\",\"src_ip\":\"10.0.0.1\",\"dst_ip\":\"10.0.0.2\",\"start_at_ms\":-10,\"latency_msec\":1,\"end_at_ms\":-9}",
        "END_MISMATCH|{\"id\":\"a\",\"src_ip\":\"10.0.0.1\",\"dst_ip\":\"10.0.0.2\",\"start_at_ms\":10,\"latency_msec\":1,\"end_at_ms\":12}",
        "END_MISMATCH|{\"id\":\"a\",\"src_ip\":\"10.0.0.1\",\"dst_ip\":\"10.0.0.2\",\"start_at_ms\":9223372036854775807,\"latency_msec\":1,\"end_at_ms\":0}",
        "INVALID_IP|{\"id\":\"a\",\"src_ip\":\"host-a\",\"dst_ip\":\"10.0.0.2\",\"start_at_ms\":1,\"latency_msec\":1,\"end_at_ms\":2}",
        "INVALID_IP|{\"id\":\"a\",\"src_ip\":\"10.0.0.1\",\"dst_ip\":\"10.0.0.256\",\"start_at_ms\":1,\"latency_msec\":1,\"end_at_ms\":2}",
        "OVERSIZE_FIELD|{\"id\":\"aaaaaaaaaaaaaaaaaaaaaaaa\",\"src_ip\":\"10.0.0.1\",\"dst_ip\":\"10.0.0.2\",\"start_at_ms\":1,\"latency_msec\":1,\"end_at_ms\":2}",
    })
    void rejectsJsonWithTheRightReason(Reason reason, String record) {
        ParsedInput result = json.parse(bytes(record));
        assertEquals(reason, result.getReason(), String.valueOf(result.getDetail()));
        assertNull(result.getCall());
        assertTrue(result.getDetail() != null && !result.getDetail().isEmpty() && !result.getDetail().contains("\n"));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', value = {
        "UNPARSEABLE|id1,10.0.0.1,10.0.0.2,1000,500",
        "MISSING_FIELD|id1,,10.0.0.2,1000,500,1500",
        "WRONG_TYPE|id1,10.0.0.1,10.0.0.2,abc,500,1500",
        "END_MISMATCH|id1,10.0.0.1,10.0.0.2,1000,500,1501",
    })
    void rejectsCsvWithTheRightReason(Reason reason, String record) {
        assertEquals(reason, csv.parse(bytes(record)).getReason());
    }

    @Test
    void readsHeartbeatsInBothFormats() {
        assertEquals(Long.valueOf(1_700_000_000_000L), json.parse(bytes("{\"heartbeat_at_ms\":1700000000000}")).getHeartbeatAtMs());
        assertEquals(Long.valueOf(42L), csv.parse(bytes("heartbeat,42")).getHeartbeatAtMs());
        assertNull(json.parse(bytes("{\"heartbeat_at_ms\":5}")).getCall());
        assertEquals(Reason.UNPARSEABLE, json.parse(bytes("{\"heartbeat_at_ms\":5,\"id\":\"a\"}")).getReason());
        assertEquals(Reason.WRONG_TYPE, json.parse(bytes("{\"heartbeat_at_ms\":\"soon\"}")).getReason());
        assertEquals(Reason.WRONG_TYPE, csv.parse(bytes("heartbeat,-1")).getReason());
    }

    @Test
    void rejectsOversizeRecordsBeforeParsing() {
        assertEquals(Reason.OVERSIZE_FIELD, json.parse(new byte[2048]).getReason());
    }

    @Test
    void rejectsBytesThatAreNotUtf8() {
        assertEquals(Reason.UNPARSEABLE, csv.parse(new byte[] {(byte) 0xff, (byte) 0xfe, ','}).getReason());
        assertEquals(Reason.UNPARSEABLE, json.parse(new byte[] {'{', '"', (byte) 0xff, '"', ':', '1', '}'}).getReason());
        assertEquals(Reason.UNPARSEABLE, json.parse(new byte[0]).getReason());
    }

    private static String callEndingAt(long end) {
        return "{\"id\":\"a\",\"src_ip\":\"10.0.0.1\",\"dst_ip\":\"10.0.0.2\",\"start_at_ms\":" + (end - 5)
                + ",\"latency_msec\":5,\"end_at_ms\":" + end + "}";
    }

    @Test
    void aCallEndingFurtherThanTheBoundPastTheClockIsRejected() {
        assertTrue(json.parse(bytes(callEndingAt(NOW + 60_000))).getCall() != null, "at the bound");
        assertTrue(json.parse(bytes(callEndingAt(1000))).getCall() != null, "far in the past: a late call, not a bad one");
        ParsedInput decades = json.parse(bytes(callEndingAt(4_102_444_800_000L)));
        assertEquals(Reason.AHEAD_OF_CLOCK, decades.getReason());
        assertEquals("end_at_ms 4102444800000 is 2402444800000 ms ahead of this job's clock (1700000000000), over the bound of"
                + " 60000 ms (--max-ahead-of-clock-ms)", decades.getDetail());
        assertEquals(Reason.AHEAD_OF_CLOCK, json.parse(bytes(callEndingAt(NOW + 60_001))).getReason());
        assertEquals(Reason.AHEAD_OF_CLOCK, csv.parse(bytes("a,10.0.0.1,10.0.0.2," + NOW + ",3600000," + (NOW + 3_600_000))).getReason());
    }

    @Test
    void aHeartbeatFurtherThanTheBoundPastTheClockIsRejected() {
        assertEquals(NOW + 60_000, json.parse(bytes("{\"heartbeat_at_ms\":" + (NOW + 60_000) + "}")).getHeartbeatAtMs());
        assertEquals(Reason.AHEAD_OF_CLOCK, json.parse(bytes("{\"heartbeat_at_ms\":" + Long.MAX_VALUE + "}")).getReason());
        assertEquals(Reason.AHEAD_OF_CLOCK, csv.parse(bytes("heartbeat," + (NOW + 86_400_000))).getReason());
    }
}
