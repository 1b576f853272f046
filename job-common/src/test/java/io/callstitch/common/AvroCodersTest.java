package io.callstitch.common;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.callstitch.schema.ByIpRecord;
import io.callstitch.schema.Call;
import io.callstitch.schema.EdgePiece;
import io.callstitch.schema.ParsedInput;
import io.callstitch.schema.Reason;
import io.callstitch.schema.Role;
import io.callstitch.schema.WatermarkMark;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

class AvroCodersTest {
    private static final Call CALL = new Call("id2", "10.0.0.2", "10.0.0.3", 1100L, 200L, 1300L);

    @Test
    void everySchemaFileIsSwitched() throws Exception {
        Path schemas = Paths.get("../schemas/src/main/avro");
        Set<String> files;
        try (Stream<Path> paths = Files.list(schemas)) {
            files = paths.map(path -> path.getFileName().toString().replace(".avsc", "")).collect(Collectors.toCollection(TreeSet::new));
        }
        Set<String> switched = AvroCoders.RECORDS.stream().map(Class::getSimpleName).collect(Collectors.toCollection(TreeSet::new));
        assertEquals(files, switched);
    }

    @Test
    void generatedCodersWriteTheSameBytesAsTheSchemaWalk() throws Exception {
        List<SpecificRecord> records = List.of(
                CALL,
                new ByIpRecord(Role.CHILD, "10.0.0.2", CALL, null),
                new ByIpRecord(Role.MARK, "", null, new WatermarkMark(1, 2, 3, 4000L)),
                new EdgePiece(CALL, Role.PARENT, 1L, List.of("a", "b"), 3, false, true, 2999L, 1, 2, null, null, List.of(), true),
                new ParsedInput(null, Reason.END_MISMATCH, "end", null, ByteBuffer.wrap(new byte[] {1, 2, 3}), "calls.raw", 4, 77L),
                new ParsedInput(null, null, null, 123L, ByteBuffer.wrap(new byte[0]), "calls.raw", 0, 1L));
        AvroCoders.enable();
        for (SpecificRecord record : records) {
            @SuppressWarnings("unchecked")
            Class<SpecificRecord> type = (Class<SpecificRecord>) record.getClass();
            byte[] generated = new AvroBytes<>(type).encode(record);
            assertArrayEquals(schemaWalk(record), generated, record.getSchema().getName());
            assertEquals(record, new AvroBytes<>(type).decode(generated));
        }
    }

    /** The bytes of Avro's own walk over the schema: a model of its own, with the generated coders off. */
    private static byte[] schemaWalk(SpecificRecord record) throws Exception {
        SpecificData model = new SpecificData();
        model.setCustomCoders(false);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
        new SpecificDatumWriter<SpecificRecord>(record.getSchema(), model).write(record, encoder);
        encoder.flush();
        return out.toByteArray();
    }
}
