package io.callstitch.match;

import java.io.IOException;
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
 * Avro's schema walk, a third of the matching task's CPU (docs/performance.md, "The matcher's input").
 * Only in flight between two tasks of one job, never in state or a savepoint, so its format is free to
 * change with the code.
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
        return new BucketedCall(from.role, from.ip, from.bucket, CallSerializer.INSTANCE.copy(from.call));
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
        CallSerializer.INSTANCE.serialize(record.call, target);
    }

    @Override
    public BucketedCall deserialize(DataInputView source) throws IOException {
        Role role = ROLES[source.readByte()];
        String ip = StringValue.readString(source);
        long bucket = source.readLong();
        return new BucketedCall(role, ip, bucket, CallSerializer.INSTANCE.deserialize(source));
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
        CallSerializer.INSTANCE.copy(source, target);
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
