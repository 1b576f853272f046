package io.callstitch.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callstitch.schema.ByIpRecord;
import io.callstitch.schema.Call;
import io.callstitch.schema.DeadLetter;
import io.callstitch.schema.Reason;
import io.callstitch.schema.Role;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

class AvroKafkaDeserializerTest {
    private final AvroKafkaDeserializer<ByIpRecord> reader = new AvroKafkaDeserializer<>(ByIpRecord.class, "job-match");

    private static ConsumerRecord<byte[], byte[]> at(int partition, long offset, byte[] value) {
        return new ConsumerRecord<>("calls.by-ip", partition, offset, null, value);
    }

    @Test
    void aRecordOfTheTypeIsDecoded() {
        ByIpRecord record = new ByIpRecord(Role.CHILD, "10.0.0.1", new Call("a", "10.0.0.1", "10.0.0.2", 1L, 2L, 3L), null);
        Decoded<ByIpRecord> decoded = reader.deserialize(at(0, 0, new AvroBytes<>(ByIpRecord.class).encode(record)));
        assertEquals(record, decoded.value);
        assertNull(decoded.undecodable);
    }

    @Test
    void bytesWrittenByHandBecomeADeadLetterWithTheirPosition() {
        Decoded<ByIpRecord> decoded = reader.deserialize(at(3, 41, "{\"id\":\"written by hand\"}".getBytes(StandardCharsets.UTF_8)));
        assertNull(decoded.value);
        DeadLetter letter = decoded.undecodable;
        assertEquals(Reason.UNPARSEABLE, letter.getReason());
        assertEquals("calls.by-ip/3/41 by job-match", letter.getTopic() + "/" + letter.getPartition() + "/" + letter.getOffset() + " by "
                + letter.getJob());
        assertTrue(letter.getDetail().startsWith("not a ByIpRecord record: "), letter.getDetail());
        assertEquals("{\"id\":\"written by hand\"}", StandardCharsets.UTF_8.decode(letter.getOriginal()).toString());
    }

    @Test
    void aTombstoneAndAHugeRecordAreDeadLettersToo() {
        assertTrue(reader.deserialize(at(0, 1, null)).undecodable.getDetail().contains("tombstone"));
        byte[] huge = new byte[1 << 20];
        Arrays.fill(huge, (byte) 0x7f);
        DeadLetter letter = reader.deserialize(at(0, 2, huge)).undecodable;
        assertEquals(Decoded.MAX_KEPT_BYTES, letter.getOriginal().remaining(), "only the first 64 KB are kept");
        assertEquals(-1, letter.getDetail().indexOf('\n'), "one line: " + letter.getDetail());
    }
}
