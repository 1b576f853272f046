package io.callstitch.rekey.operators;

import io.callstitch.schema.DeadLetter;
import io.callstitch.schema.ParsedInput;
import io.callstitch.schema.Reason;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.util.OutputTag;

/** The side output every rejecting operator of job-rekey writes to, and how a rejection is built. */
public final class DeadLetters {
    public static final String JOB = "job-rekey";
    public static final OutputTag<DeadLetter> TAG = new OutputTag<>("dead-letters", new AvroTypeInfo<>(DeadLetter.class));

    private DeadLetters() {}

    public static DeadLetter of(ParsedInput input, Reason reason, String detail) {
        return DeadLetter.newBuilder()
                .setReason(reason)
                .setDetail(detail)
                .setOriginal(input.getOriginal())
                .setTopic(input.getTopic())
                .setPartition(input.getPartition())
                .setOffset(input.getOffset())
                .setJob(JOB)
                .build();
    }
}
