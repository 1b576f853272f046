package io.callstitch.match;

import static io.callstitch.match.Fixtures.call;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;

import io.callstitch.schema.Call;
import java.util.Random;
import io.callstitch.schema.Role;
import org.apache.flink.api.common.ExecutionConfig;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

class BucketedCallSerializerTest {
    private final TypeSerializer<BucketedCall> serializer = SerializerTypeInfo.BUCKETED_CALL.createSerializer(new ExecutionConfig());

    private static String text(BucketedCall copy) {
        return copy.role + " " + copy.ip + " " + copy.bucket + " " + copy.call;
    }

    private byte[] bytes(BucketedCall copy) throws Exception {
        DataOutputSerializer out = new DataOutputSerializer(64);
        serializer.serialize(copy, out);
        return out.getCopyOfBuffer();
    }

    @Test
    void everyFieldSurvivesTheWire() throws Exception {
        for (BucketedCall copy : new BucketedCall[] {
            new BucketedCall(Role.CHILD, "10.0.0.2", 1, call("id2", "10.0.0.2", "10.0.0.3", 1100, 1300)),
            new BucketedCall(Role.PARENT, "fe80::1", -7, new Call("ünïcode-id", "fe80::2", "fe80::1", -5L, 0L, -5L)),
            new BucketedCall(Role.PARENT, "10.0.0.9", Long.MAX_VALUE, new Call("", "a", "b", Long.MIN_VALUE, Long.MAX_VALUE, -1L))}) {
            BucketedCall back = serializer.deserialize(new DataInputDeserializer(bytes(copy)));
            assertEquals(text(copy), text(back));
            assertEquals(copy.call, back.call);
        }
    }

    @Test
    void everyTimeComesBackAsItWent() throws Exception {
        Random random = new Random(3);
        long[] edges = {0, 1, -1, 63, 64, -64, -65, Long.MAX_VALUE, Long.MIN_VALUE, 1_700_000_000_000L, -1_700_000_000_000L};
        for (int i = 0; i < 5_000; i++) {
            long start = i < edges.length ? edges[i] : random.nextLong() >> random.nextInt(64);
            long latency = i < edges.length ? edges[edges.length - 1 - i] : random.nextLong() >> random.nextInt(64);
            BucketedCall copy = new BucketedCall(Role.CHILD, "10.0.0.1", i, new Call("id-" + i, "10.0.0.1", "10.0.0.2", start, latency,
                    start + latency));
            assertEquals(copy.call, serializer.deserialize(new DataInputDeserializer(bytes(copy))).call);
        }
    }

    @Test
    void timesTakeTheBytesTheyNeed() throws Exception {
        BucketedCall copy = new BucketedCall(Role.CHILD, "", 0, new Call("", "", "", 1_700_000_000_000L, 5L, 1_700_000_000_005L));
        // role, empty ip, bucket; three empty strings, two epoch ms of 6 bytes, a latency of 1
        assertEquals(1 + 1 + 8 + 3 + 6 + 1 + 6, bytes(copy).length);
    }

    @Test
    void copyingTheBytesCopiesTheRecord() throws Exception {
        BucketedCall copy = new BucketedCall(Role.CHILD, "10.0.0.2", 3, call("id3", "10.0.0.2", "10.0.0.4", 3120, 3220));
        byte[] written = bytes(copy);
        DataOutputSerializer out = new DataOutputSerializer(16);
        // two records back to back: the copy must stop where the first one ends
        DataInputDeserializer in = new DataInputDeserializer(concat(written, written));
        serializer.copy(in, out);
        assertArrayEquals(written, out.getCopyOfBuffer());
        assertEquals(text(copy), text(serializer.deserialize(in)));
    }

    @Test
    void aCopyIsEqualButNotTheSameObject() {
        BucketedCall copy = new BucketedCall(Role.PARENT, "10.0.0.3", 2, call("id1", "10.0.0.1", "10.0.0.3", 1000, 2500));
        BucketedCall other = serializer.copy(copy);
        assertEquals(text(copy), text(other));
        assertNotSame(copy.call, other.call);
    }

    @Test
    void itsSnapshotRestoresTheSameSerializer() {
        assertEquals(serializer, serializer.snapshotConfiguration().restoreSerializer());
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] both = new byte[a.length + b.length];
        System.arraycopy(a, 0, both, 0, a.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }
}
