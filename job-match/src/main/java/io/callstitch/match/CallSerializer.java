package io.callstitch.match;

import java.io.IOException;
import io.callstitch.schema.Call;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.apache.flink.types.StringValue;

/**
 * A call field by field, as the call copies of job-match carry it through the shuffle
 * ({@link BucketedCallSerializer}): its three strings, then its three times as zig-zag varints (an epoch ms takes
 * 6 bytes, a latency one or two). Only in flight between two tasks, never in state or a savepoint.
 */
public final class CallSerializer extends TypeSerializerSingleton<Call> {
    private static final long serialVersionUID = 1L;

    public static final CallSerializer INSTANCE = new CallSerializer();

    @Override
    public boolean isImmutableType() {
        return false;
    }

    @Override
    public Call createInstance() {
        return new Call();
    }

    @Override
    public Call copy(Call from) {
        return new Call(from.getId(), from.getSrcIp(), from.getDstIp(), from.getStartAtMs(), from.getLatencyMsec(), from.getEndAtMs());
    }

    @Override
    public Call copy(Call from, Call reuse) {
        return copy(from);
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public void serialize(Call call, DataOutputView target) throws IOException {
        StringValue.writeString(call.getId(), target);
        StringValue.writeString(call.getSrcIp(), target);
        StringValue.writeString(call.getDstIp(), target);
        writeVarLong(call.getStartAtMs(), target);
        writeVarLong(call.getLatencyMsec(), target);
        writeVarLong(call.getEndAtMs(), target);
    }

    @Override
    public Call deserialize(DataInputView source) throws IOException {
        String id = StringValue.readString(source);
        String srcIp = StringValue.readString(source);
        String dstIp = StringValue.readString(source);
        long start = readVarLong(source);
        long latency = readVarLong(source);
        long end = readVarLong(source);
        return new Call(id, srcIp, dstIp, start, latency, end);
    }

    @Override
    public Call deserialize(Call reuse, DataInputView source) throws IOException {
        return deserialize(source);
    }

    @Override
    public void copy(DataInputView source, DataOutputView target) throws IOException {
        for (int text = 0; text < 3; text++) {
            StringValue.copyString(source, target);
        }
        for (int number = 0; number < 3; number++) {
            writeVarLong(readVarLong(source), target);
        }
    }

    static void writeVarLong(long value, DataOutputView target) throws IOException {
        long zigZag = (value << 1) ^ (value >> 63);
        while ((zigZag & ~0x7FL) != 0) {
            target.writeByte((int) ((zigZag & 0x7F) | 0x80));
            zigZag >>>= 7;
        }
        target.writeByte((int) zigZag);
    }

    static long readVarLong(DataInputView source) throws IOException {
        long zigZag = 0;
        for (int shift = 0; ; shift += 7) {
            if (shift > 63) {
                throw new IOException("a varint longer than 10 bytes: the bytes are not a call");
            }
            int next = source.readUnsignedByte();
            zigZag |= (long) (next & 0x7F) << shift;
            if ((next & 0x80) == 0) {
                break;
            }
        }
        return (zigZag >>> 1) ^ -(zigZag & 1);
    }

    @Override
    public TypeSerializerSnapshot<Call> snapshotConfiguration() {
        return new Snapshot();
    }

    /** For Flink's serializer bookkeeping; this serializer is never written to a snapshot (see the class doc). */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<Call> {
        public Snapshot() {
            super(() -> INSTANCE);
        }
    }
}
