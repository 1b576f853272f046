package io.callstitch.common;

import io.callstitch.schema.DeadLetter;
import io.callstitch.schema.Reason;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Map;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One record read from a topic written by another callstitch job: the record, or, for bytes that do not
 * decode as one, the dead letter that says so and where they were. A Flink POJO (its type is built by
 * {@link #type}), so it needs no Kryo.
 */
public class Decoded<T> {
    /** The most of an undecodable record's bytes its dead letter keeps. */
    static final int MAX_KEPT_BYTES = 65_536;
    private static final Logger LOG = LoggerFactory.getLogger(Decoded.class);

    /** The record; null when the bytes did not decode. */
    public T value;
    /** Set when the bytes did not decode. */
    public DeadLetter undecodable;

    public Decoded() {}

    public static <T> Decoded<T> of(T value) {
        Decoded<T> decoded = new Decoded<>();
        decoded.value = value;
        return decoded;
    }

    public static <T> Decoded<T> undecodable(DeadLetter letter) {
        Decoded<T> decoded = new Decoded<>();
        decoded.undecodable = letter;
        return decoded;
    }

    /**
     * The dead letter of a Kafka record that is not a {@code what}: its first bytes (at most 64 KB), its
     * position, why, and the job that read it. Logged once, with the position.
     */
    public static <T> Decoded<T> undecodable(ConsumerRecord<byte[], byte[]> record, String what, String whyText, String job) {
        int newline = whyText.indexOf('\n');
        String why = newline < 0 ? whyText : whyText.substring(0, newline);
        LOG.warn("A record of {} partition {} offset {} is not a {} and goes to the dead letters: {}",
                record.topic(), record.partition(), record.offset(), what, why);
        byte[] value = record.value();
        byte[] kept = value == null ? new byte[0] : value.length > MAX_KEPT_BYTES ? Arrays.copyOf(value, MAX_KEPT_BYTES) : value;
        return undecodable(new DeadLetter(Reason.UNPARSEABLE, "not a " + what + " record: " + why, ByteBuffer.wrap(kept),
                record.topic(), record.partition(), record.offset(), job));
    }

    /** The Flink type of a decoded record of {@code type}. */
    @SuppressWarnings("unchecked")
    public static <T extends SpecificRecordBase> TypeInformation<Decoded<T>> type(Class<T> type) {
        return (TypeInformation<Decoded<T>>) (TypeInformation<?>) Types.POJO(Decoded.class,
                Map.of("value", new AvroTypeInfo<>(type), "undecodable", new AvroTypeInfo<>(DeadLetter.class)));
    }
}
