package io.callstitch.match;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.callstitch.schema.Call;
import java.util.Random;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

class CallSerializerTest {
    private final CallSerializer serializer = CallSerializer.INSTANCE;

    private byte[] bytes(Call call) throws Exception {
        DataOutputSerializer out = new DataOutputSerializer(64);
        serializer.serialize(call, out);
        return out.getCopyOfBuffer();
    }

    @Test
    void everyCallComesBackAsItWent() throws Exception {
        Random random = new Random(3);
        long[] edges = {0, 1, -1, 63, 64, -64, -65, Long.MAX_VALUE, Long.MIN_VALUE, 1_700_000_000_000L, -1_700_000_000_000L};
        for (int i = 0; i < 5_000; i++) {
            long start = i < edges.length ? edges[i] : random.nextLong() >> random.nextInt(64);
            long latency = i < edges.length ? edges[edges.length - 1 - i] : random.nextLong() >> random.nextInt(64);
            Call call = new Call("id-" + i + "-ü", "10.0.0." + (i % 7), "fe80::" + i, start, latency, start + latency);
            assertEquals(call, serializer.deserialize(new DataInputDeserializer(bytes(call))));
        }
    }

    @Test
    void timesTakeTheBytesTheyNeed() throws Exception {
        Call call = new Call("", "", "", 1_700_000_000_000L, 5L, 1_700_000_000_005L);
        // three empty strings, two epoch ms of 6 bytes, a latency of 1
        assertEquals(3 + 6 + 1 + 6, bytes(call).length);
    }

    @Test
    void copyingTheBytesCopiesOneCall() throws Exception {
        Call call = new Call("id3", "10.0.0.3", "10.0.0.4", 1120L, 100L, 1220L);
        byte[] one = bytes(call);
        byte[] two = new byte[one.length * 2];
        System.arraycopy(one, 0, two, 0, one.length);
        System.arraycopy(one, 0, two, one.length, one.length);
        DataInputDeserializer in = new DataInputDeserializer(two);
        DataOutputSerializer out = new DataOutputSerializer(16);
        serializer.copy(in, out);
        assertArrayEquals(one, out.getCopyOfBuffer());
        assertEquals(call, serializer.deserialize(in));
    }

    @Test
    void itsSnapshotRestoresTheSameSerializer() {
        assertEquals(serializer, serializer.snapshotConfiguration().restoreSerializer());
    }
}
