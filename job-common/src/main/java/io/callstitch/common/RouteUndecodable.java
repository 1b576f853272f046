package io.callstitch.common;

import io.callstitch.schema.DeadLetter;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Right after a job's source: passes the decoded records on and sends the dead letter of every record
 * that did not decode to {@link #DEAD_LETTERS}, for the job's dead-letter sink. Stateless.
 * Metric: {@code undecodableRecords}.
 */
public final class RouteUndecodable<T> extends ProcessFunction<Decoded<T>, T> {
    private static final long serialVersionUID = 1L;
    public static final OutputTag<DeadLetter> DEAD_LETTERS = new OutputTag<>("undecodable", new AvroTypeInfo<>(DeadLetter.class));

    private transient Counter undecodable;

    @Override
    public void open(Configuration parameters) {
        undecodable = getRuntimeContext().getMetricGroup().counter("undecodableRecords");
    }

    @Override
    public void processElement(Decoded<T> record, Context ctx, Collector<T> out) {
        if (record.value != null) {
            out.collect(record.value);
            return;
        }
        undecodable.inc();
        ctx.output(DEAD_LETTERS, record.undecodable);
    }
}
