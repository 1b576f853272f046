package io.callstitch.deploy.file;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import io.callstitch.rekey.CallParser;
import io.callstitch.rekey.InputFormat;
import io.callstitch.rekey.RawCallDeserializer;
import io.callstitch.rekey.RekeyOptions;
import io.callstitch.schema.ParsedInput;
import org.apache.flink.streaming.api.functions.source.SourceFunction;

/**
 * Reads a file of records, one per line, as the Kafka source would read a topic: each line's bytes
 * are parsed by job-rekey's parser, and a rejected line keeps its bytes, with its line number as the
 * offset and the file name as the topic. Blank lines are not records and are skipped. Run it with
 * parallelism 1: lines are emitted in file order.
 */
public final class LineFileSource implements SourceFunction<ParsedInput> {
    private static final long serialVersionUID = 1L;

    private final String path;
    private final InputFormat format;
    private final int maxRecordBytes;
    private final int maxIdLength;
    private volatile boolean running = true;

    public LineFileSource(Path path, InputFormat format, RekeyOptions.Settings settings) {
        this.path = path.toAbsolutePath().toString();
        this.format = format;
        this.maxRecordBytes = settings.maxRecordBytes;
        this.maxIdLength = settings.maxIdLength;
    }

    @Override
    public void run(SourceContext<ParsedInput> ctx) throws Exception {
        CallParser parser = new CallParser(format, maxRecordBytes, maxIdLength);
        Path file = Paths.get(path);
        String name = file.getFileName().toString();
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            ByteArrayOutputStream line = new ByteArrayOutputStream(256);
            long lineNumber = 0;
            int b;
            while (running) {
                b = in.read();
                if (b != '\n' && b != -1) {
                    line.write(b);
                    continue;
                }
                lineNumber++;
                byte[] bytes = withoutCarriageReturn(line.toByteArray());
                line.reset();
                if (!isBlank(bytes)) {
                    ParsedInput parsed = RawCallDeserializer.parse(parser, bytes, name, 0, lineNumber);
                    synchronized (ctx.getCheckpointLock()) {
                        ctx.collect(parsed);
                    }
                }
                if (b == -1) {
                    break;
                }
            }
        }
    }

    @Override
    public void cancel() {
        running = false;
    }

    private static byte[] withoutCarriageReturn(byte[] bytes) {
        if (bytes.length > 0 && bytes[bytes.length - 1] == '\r') {
            byte[] trimmed = new byte[bytes.length - 1];
            System.arraycopy(bytes, 0, trimmed, 0, trimmed.length);
            return trimmed;
        }
        return bytes;
    }

    private static boolean isBlank(byte[] bytes) {
        for (byte b : bytes) {
            if (b != ' ' && b != '\t') {
                return false;
            }
        }
        return true;
    }
}
