package io.callstitch.tools.file;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Base64;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.callstitch.common.Utf8;
import io.callstitch.schema.DeadLetter;

/**
 * A dead letter as one JSON line: reason, detail, where it came from, and the original record, as
 * text when it is UTF-8 ({@code original}) and as base64 otherwise ({@code original_base64}).
 */
public final class DeadLetterJson {
    private static final JsonFactory JSON = new JsonFactory();

    private DeadLetterJson() {}

    public static String write(DeadLetter letter) {
        StringWriter out = new StringWriter();
        try (JsonGenerator json = JSON.createGenerator(out)) {
            json.writeStartObject();
            json.writeStringField("reason", letter.getReason().name());
            json.writeStringField("detail", letter.getDetail());
            json.writeStringField("topic", letter.getTopic());
            json.writeNumberField("partition", letter.getPartition());
            json.writeNumberField("offset", letter.getOffset());
            json.writeStringField("job", letter.getJob());
            byte[] original = toBytes(letter.getOriginal());
            String text = Utf8.decodeOrNull(original);
            if (text != null) {
                json.writeStringField("original", text);
            } else {
                json.writeStringField("original_base64", Base64.getEncoder().encodeToString(original));
            }
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    private static byte[] toBytes(ByteBuffer buffer) {
        ByteBuffer copy = buffer.duplicate();
        byte[] bytes = new byte[copy.remaining()];
        copy.get(bytes);
        return bytes;
    }
}
