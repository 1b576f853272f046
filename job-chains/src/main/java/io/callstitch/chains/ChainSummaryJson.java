package io.callstitch.chains;

import io.callstitch.schema.ChainSummary;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.apache.avro.io.Decoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.JsonEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;

/**
 * A {@link ChainSummary} as one line of JSON, the optional format of {@code chains.stats}: Avro's
 * JSON encoding of the record, which has no unions, so it reads as plain JSON with the schema's
 * field names, e.g. {@code {"root_id":"a","root_src_ip":"10.0.0.1",...,"hops":[...]}}.
 */
public final class ChainSummaryJson {
    private ChainSummaryJson() {}

    public static String toJson(ChainSummary summary) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(512);
            JsonEncoder encoder = EncoderFactory.get().jsonEncoder(ChainSummary.getClassSchema(), bytes);
            new SpecificDatumWriter<>(ChainSummary.class).write(summary, encoder);
            encoder.flush();
            return bytes.toString(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads what {@link #toJson} wrote. */
    public static ChainSummary parse(String json) {
        try {
            Decoder decoder = DecoderFactory.get().jsonDecoder(ChainSummary.getClassSchema(), json);
            return new SpecificDatumReader<>(ChainSummary.class).read(null, decoder);
        } catch (IOException e) {
            throw new IllegalArgumentException("not a chain summary: " + e.getMessage(), e);
        }
    }
}
