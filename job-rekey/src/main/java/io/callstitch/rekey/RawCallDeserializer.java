package io.callstitch.rekey;

import io.callstitch.common.AvroCoders;
import java.nio.ByteBuffer;
import java.util.Arrays;
import io.callstitch.schema.ParsedInput;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.connectors.kafka.KafkaDeserializationSchema;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Parses each raw Kafka record where it is read, so that the per-partition watermark generator sees
 * its end_at_ms, and so that a rejection still knows the partition and offset it came from.
 * Never throws: every record becomes a {@link ParsedInput}, valid or not.
 */
public final class RawCallDeserializer implements KafkaDeserializationSchema<ParsedInput> {
    private static final long serialVersionUID = 1L;
    private static final byte[] NO_BYTES = new byte[0];

    private final InputFormat format;
    private final RekeyOptions.Settings settings;
    private transient CallParser parser;

    public RawCallDeserializer(InputFormat format, RekeyOptions.Settings settings) {
        this.format = format;
        this.settings = settings;
    }

    @Override
    public ParsedInput deserialize(ConsumerRecord<byte[], byte[]> record) {
        if (parser == null) {
            // the first record on this TaskManager: from here on it goes through Avro's generated coders
            AvroCoders.enable();
            parser = CallParser.of(format, settings);
        }
        byte[] value = record.value() == null ? NO_BYTES : record.value();
        return parse(parser, value, record.topic(), record.partition(), record.offset());
    }

    /** One record's parse with its origin; the file mode uses it with the line number as offset. */
    public static ParsedInput parse(CallParser parser, byte[] value, String topic, int partition, long offset) {
        CallParser.Result result = parser.parse(value);
        // a record over the limit is kept only as far as the limit: its dead letter must fit where dead letters go
        byte[] kept = value.length > parser.maxRecordBytes() ? Arrays.copyOf(value, parser.maxRecordBytes()) : value;
        // the constructor, not the builder: a builder validates and copies every field, once per record
        return new ParsedInput(result.call, result.reason, result.detail, result.heartbeatAtMs, ByteBuffer.wrap(kept), topic,
                partition, offset);
    }

    @Override
    public boolean isEndOfStream(ParsedInput nextElement) {
        return false;
    }

    @Override
    public TypeInformation<ParsedInput> getProducedType() {
        return new AvroTypeInfo<>(ParsedInput.class);
    }
}
