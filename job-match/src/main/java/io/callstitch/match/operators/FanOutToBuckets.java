package io.callstitch.match.operators;

import io.callstitch.match.BucketedCall;
import io.callstitch.common.EdgeRule.Buckets;
import io.callstitch.schema.ByIpRecord;
import io.callstitch.schema.Call;
import io.callstitch.schema.Role;
import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.util.Collector;

/**
 * Puts each call into the keys where its edges can be found: as a child into the bucket of its
 * start, as a parent into every bucket it overlaps (at most L / B + 1 of them), and the one before when it
 * starts within the skew margin of its first ({@code Buckets#firstCopyBucket}). Marks are dropped
 * here: they were turned into watermarks at the source. Stateless.
 */
public final class FanOutToBuckets implements FlatMapFunction<ByIpRecord, BucketedCall> {
    private static final long serialVersionUID = 1L;

    private final Buckets buckets;

    public FanOutToBuckets(Buckets buckets) {
        this.buckets = buckets;
    }

    @Override
    public void flatMap(ByIpRecord record, Collector<BucketedCall> out) {
        Call call = record.getCall();
        if (record.getRole() == Role.CHILD) {
            out.collect(new BucketedCall(Role.CHILD, record.getIp(), buckets.childBucket(call), call));
        } else if (record.getRole() == Role.PARENT) {
            for (long b = buckets.firstCopyBucket(call); b <= buckets.lastParentBucket(call); b++) {
                out.collect(new BucketedCall(Role.PARENT, record.getIp(), b, call));
            }
        }
    }
}
