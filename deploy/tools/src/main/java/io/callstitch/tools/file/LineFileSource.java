package io.callstitch.tools.file;

import java.nio.file.Path;
import java.nio.file.Paths;
import io.callstitch.rekey.CallParser;
import io.callstitch.rekey.InputFormat;
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
    private final RekeyOptions.Settings settings;
    private volatile boolean running = true;

    public LineFileSource(Path path, InputFormat format, RekeyOptions.Settings settings) {
        this.path = path.toAbsolutePath().toString();
        this.format = format;
        this.settings = settings;
    }

    @Override
    public void run(SourceContext<ParsedInput> ctx) throws Exception {
        CallParser parser = CallParser.of(format, settings);
        Path file = Paths.get(path);
        String name = file.getFileName().toString();
        RecordLines.read(file, (bytes, lineNumber) -> {
            ParsedInput parsed = parser.parse(bytes, name, 0, lineNumber);
            synchronized (ctx.getCheckpointLock()) {
                ctx.collect(parsed);
            }
            return running;
        });
    }

    @Override
    public void cancel() {
        running = false;
    }
}
