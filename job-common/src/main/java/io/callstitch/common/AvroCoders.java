package io.callstitch.common;

import io.callstitch.schema.AssemblyState;
import io.callstitch.schema.ByIpRecord;
import io.callstitch.schema.Call;
import io.callstitch.schema.ChainMessage;
import io.callstitch.schema.ChainState;
import io.callstitch.schema.ChainSummary;
import io.callstitch.schema.ClosedBucket;
import io.callstitch.schema.DeadLetter;
import io.callstitch.schema.EdgePiece;
import io.callstitch.schema.ParsedInput;
import io.callstitch.schema.SeenCall;
import io.callstitch.schema.StitchedCall;
import java.util.List;
import org.apache.avro.specific.SpecificData;

/**
 * Turns on the encoders and decoders that Avro generates into each record class. Avro's default reads and
 * writes a record field by field through its schema, with reflection and a lookup per field; the generated
 * ones read and write the fields directly, with the same bytes on the wire. A quarter to a third of each
 * job's time went to Avro before (docs/performance.md).
 *
 * <p>Each generated class keeps its own model, which Flink's Avro serialiser (network, state) and
 * {@link AvroBytes} (Kafka) both use, so the switch is per class and per JVM: it must be thrown in the
 * TaskManager, which {@link AvroBytes} and the jobs' raw-record reader do when they are first used.
 */
public final class AvroCoders {
    /** Every record of {@code schemas/} that stands on its own; a test checks the list against the files. */
    static final List<Class<?>> RECORDS = List.of(AssemblyState.class, ByIpRecord.class, Call.class, ChainMessage.class,
            ChainState.class, ChainSummary.class, ClosedBucket.class, DeadLetter.class, EdgePiece.class, ParsedInput.class, SeenCall.class,
            StitchedCall.class);

    private static volatile boolean enabled;

    private AvroCoders() {}

    /** Idempotent and cheap after the first call. */
    public static void enable() {
        if (enabled) {
            return;
        }
        for (Class<?> record : RECORDS) {
            SpecificData.getForClass(record).setCustomCoders(true);
        }
        enabled = true;
    }
}
