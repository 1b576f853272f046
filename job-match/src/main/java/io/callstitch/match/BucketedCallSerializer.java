package io.callstitch.match;

import java.io.IOException;
import io.callstitch.schema.Call;
import io.callstitch.schema.Role;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.apache.flink.types.StringValue;

/**
 * The shuffle of job-match's call copies into their (ip, bucket) keys, field by field: every copy crosses
 * the network once, and as a POJO with an Avro field each was rebuilt by reflection and decoded through
 * Avro's schema walk, a third of the matching task's CPU (docs/performance.md, "job-match's buffer and
 * shuffle"). A copy is its role, ip and bucket, then its call: the three strings, then the three times as
 * zig-zag varints (an epoch ms takes 6 bytes, a latency one or two). Only in flight between two tasks of one
 * job, never in state or a savepoint, so its format is free to change with the code.
 */
public final class BucketedCallSerializer extends TypeSerializerSingleton<BucketedCall> {
    private static final long serialVersionUID = 1L;

    public static final BucketedCallSerializer INSTANCE = new BucketedCallSerializer();

    private static final Role[] ROLES = Role.values();

    @Override
    public boolean isImmutableType() {
        return false;
    }

    @Override
    public BucketedCall createInstance() {
        return new BucketedCall();
    }

    @Override
    public BucketedCall copy(BucketedCall from) {
        return new BucketedCall(from.role, from.ip, from.bucket, new Call(from.call.getId(), from.call.getSrcIp(), from.call.getDstIp(),
                from.call.getStartAtMs(), from.call.getLatencyMsec(), from.call.getEndAtMs()));
    }

    @Override
    public BucketedCall copy(BucketedCall from, BucketedCall reuse) {
        return copy(from);
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public void serialize(BucketedCall record, DataOutputView target) throws IOException {
        target.writeByte(record.role.ordinal());
        StringValue.writeString(record.ip, target);
        target.writeLong(record.bucket);
        Call call = record.call;
        StringValue.writeString(call.getId(), target);
        StringValue.writeString(call.getSrcIp(), target);
        StringValue.writeString(call.getDstIp(), target);
        writeVarLong(call.getStartAtMs(), target);
        writeVarLong(call.getLatencyMsec(), target);
        writeVarLong(call.getEndAtMs(), target);
    }

    @Override
    public BucketedCall deserialize(DataInputView source) throws IOException {
        Role role = ROLES[source.readByte()];
        String ip = StringValue.readString(source);
        long bucket = source.readLong();
        Call call = new Call(StringValue.readString(source), StringValue.readString(source), StringValue.readString(source),
                readVarLong(source), readVarLong(source), readVarLong(source));
        return new BucketedCall(role, ip, bucket, call);
    }

    @Override
    public BucketedCall deserialize(BucketedCall reuse, DataInputView source) throws IOException {
        return deserialize(source);
    }

    @Override
    public void copy(DataInputView source, DataOutputView target) throws IOException {
        target.writeByte(source.readByte());
        StringValue.copyString(source, target);
        target.writeLong(source.readLong());
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
                throw new IOException("a varint longer than 10 bytes: the bytes are not a call copy");
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
    public TypeSerializerSnapshot<BucketedCall> snapshotConfiguration() {
        return new Snapshot();
    }

    /** For Flink's serializer bookkeeping; this serializer is never written to a snapshot (see the class doc). */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<BucketedCall> {
        public Snapshot() {
            super(() -> INSTANCE);
        }
    }
}
