package io.callstitch.rekey;

import io.callstitch.common.AvroCoders;
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
        return parser.parse(record.value(), record.topic(), record.partition(), record.offset());
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
