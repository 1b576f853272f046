package io.callstitch.chains;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callstitch.common.StitchedJson;
import io.callstitch.schema.ChainStatus;
import io.callstitch.schema.ChainSummary;
import io.callstitch.common.Decoded;
import io.callstitch.schema.Reason;
import io.callstitch.schema.Status;
import io.callstitch.schema.StitchedCall;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/** The JSON job-chains reads and writes: stitched calls in, summaries and Zipkin spans out. */
class ChainsFormatsTest {
    private static final StitchedCall CALL = new StitchedCall("a\"b", "10.0.0.1", "fe80::1", 1000L, 0L, 1000L, List.of("p", "q"),
            List.of(), Status.LATE, null, null, List.of());

    @Test
    void aSpanIsZipkinV2JsonWithMicrosecondsAndTheChosenParent() {
        String json = ZipkinSpans.toJson(CALL, "r", "q", true, List.of("p"));
        assertEquals("{\"traceId\":\"" + ZipkinIds.traceId("r") + "\",\"parentId\":\"" + ZipkinIds.spanId("q") + "\",\"id\":\""
                + ZipkinIds.spanId("a\"b") + "\",\"kind\":\"CLIENT\",\"name\":\"call to fe80::1\",\"timestamp\":1000000,\"duration\":1,"
                + "\"localEndpoint\":{\"serviceName\":\"10.0.0.1\",\"ipv4\":\"10.0.0.1\"},"
                + "\"remoteEndpoint\":{\"serviceName\":\"fe80::1\",\"ipv6\":\"fe80::1\"},"
                + "\"tags\":{\"callstitch.id\":\"a\\\"b\",\"callstitch.status\":\"LATE\",\"callstitch.root\":\"r\","
                + "\"callstitch.other_parents\":\"p\"}}", json);
    }

    @Test
    void aCallNoRootReachesIsATraceOfItsOwnWithoutParent() {
        String json = ZipkinSpans.toJson(CALL, CALL.getId(), null, false, List.of("p", "q"));
        assertTrue(json.startsWith("{\"traceId\":\"" + ZipkinIds.traceId(CALL.getId()) + "\",\"id\":"), json);
        assertTrue(!json.contains("callstitch.root"), json);
    }

    @Test
    void idsAreLowercaseHexOfTheLengthsZipkinTakes() {
        assertTrue(ZipkinIds.traceId("call-1").matches("[0-9a-f]{32}"));
        assertTrue(ZipkinIds.spanId("call-1").matches("[0-9a-f]{16}"));
        assertTrue(!ZipkinIds.spanId("call-1").equals(ZipkinIds.spanId("call-2")));
    }

    @Test
    void aSummaryReadsBackFromItsJson() {
        ChainSummary summary = ChainStatistics.summarize(new ChainEdges(ChainsOptions.ChainsBy.RULE), "r", List.of(
                new StitchedCall("r", "10.0.0.1", "10.0.0.2", 0L, 100L, 100L, List.of(), List.of("a"), Status.OK, null, null, List.of()),
                new StitchedCall("a", "10.0.0.2", "10.0.0.3", 10L, 70L, 80L, List.of("r"), List.of(), Status.OK, null, null, List.of())),
                ChainStatus.COMPLETE, 0, 5000);
        String json = ChainSummaryJson.toJson(summary);
        assertTrue(json.startsWith("{\"root_id\":\"r\",\"root_src_ip\":\"10.0.0.1\""), json);
        assertEquals(summary, ChainSummaryJson.parse(json));
    }

    @Test
    void stitchedCallsInJsonAreReadAndOtherRecordsBecomeDeadLettersWithTheirPosition() {
        StitchedCall call = new StitchedCall("a", "10.0.0.1", "10.0.0.2", 0L, 5L, 5L, List.of(), List.of("b"), Status.OK, null, null, List.of());
        ChainsKafka.StitchedJsonSource source = new ChainsKafka.StitchedJsonSource();
        assertEquals(call, source.deserialize(new ConsumerRecord<>("calls.stitched", 0, 0L, null, StitchedJson.toBytes(call))).value);
        Decoded<StitchedCall> notJson = source.deserialize(new ConsumerRecord<>("calls.stitched", 3, 1L, null,
                "not json".getBytes(StandardCharsets.UTF_8)));
        assertEquals(null, notJson.value);
        assertEquals(Reason.UNPARSEABLE, notJson.undecodable.getReason());
        assertEquals("calls.stitched/3/1", notJson.undecodable.getTopic() + "/" + notJson.undecodable.getPartition() + "/"
                + notJson.undecodable.getOffset());
        assertEquals("job-chains", notJson.undecodable.getJob());
        assertEquals("not json", StandardCharsets.UTF_8.decode(notJson.undecodable.getOriginal()).toString());
        Decoded<StitchedCall> tombstone = source.deserialize(new ConsumerRecord<>("calls.stitched", 0, 2L, null, null));
        assertTrue(tombstone.undecodable.getDetail().contains("tombstone"), tombstone.undecodable.getDetail());
    }
}
