package io.callstitch.match;

import org.apache.flink.api.common.ExecutionConfig;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;

/** The type of job-match's call copies, serialised by {@link BucketedCallSerializer}. */
public final class BucketedCallTypeInfo extends TypeInformation<BucketedCall> {
    private static final long serialVersionUID = 1L;

    public static final BucketedCallTypeInfo INSTANCE = new BucketedCallTypeInfo();

    @Override
    public boolean isBasicType() {
        return false;
    }

    @Override
    public boolean isTupleType() {
        return false;
    }

    @Override
    public int getArity() {
        return 1;
    }

    @Override
    public int getTotalFields() {
        return 1;
    }

    @Override
    public Class<BucketedCall> getTypeClass() {
        return BucketedCall.class;
    }

    @Override
    public boolean isKeyType() {
        return false;
    }

    @Override
    public TypeSerializer<BucketedCall> createSerializer(ExecutionConfig config) {
        return BucketedCallSerializer.INSTANCE;
    }

    @Override
    public String toString() {
        return "BucketedCall";
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof BucketedCallTypeInfo;
    }

    @Override
    public int hashCode() {
        return BucketedCallTypeInfo.class.hashCode();
    }

    @Override
    public boolean canEqual(Object other) {
        return other instanceof BucketedCallTypeInfo;
    }
}
