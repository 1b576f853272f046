package io.callstitch.rekey.operators;

import io.callstitch.common.EdgeRule;
import io.callstitch.schema.ByIpRecord;
import io.callstitch.schema.Call;
import io.callstitch.schema.Role;
import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.util.Collector;

/**
 * Writes each call twice, once in each role of the rule ({@link EdgeRule#ipAs}): under its src_ip, where it
 * is a CHILD looking for parents that called that ip, and under its dst_ip, where it is a PARENT looking
 * for the calls that ip made. Stateless.
 */
public final class FileUnderBothIps implements FlatMapFunction<Call, ByIpRecord> {
    private static final long serialVersionUID = 1L;

    @Override
    public void flatMap(Call call, Collector<ByIpRecord> out) {
        out.collect(new ByIpRecord(Role.CHILD, EdgeRule.ipAs(Role.CHILD, call), call, null));
        out.collect(new ByIpRecord(Role.PARENT, EdgeRule.ipAs(Role.PARENT, call), call, null));
    }
}
