package io.callstitch.tools.file;

import java.io.BufferedWriter;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.function.Function;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.functions.sink.RichSinkFunction;

/** Writes each record as one line to a file; run it with parallelism 1. */
public final class LineFileSink<T> extends RichSinkFunction<T> {
    private static final long serialVersionUID = 1L;

    /** How a record becomes its line. */
    @FunctionalInterface
    public interface Format<T> extends Function<T, String>, Serializable {}

    private final String path;
    private final Format<T> format;
    private transient BufferedWriter writer;

    public LineFileSink(String path, Format<T> format) {
        this.path = path;
        this.format = format;
    }

    @Override
    public void open(Configuration parameters) throws Exception {
        writer = Files.newBufferedWriter(Paths.get(path), StandardCharsets.UTF_8);
    }

    @Override
    public void invoke(T value, Context context) throws Exception {
        writer.write(format.apply(value));
        writer.write('\n');
    }

    @Override
    public void close() throws Exception {
        if (writer != null) {
            writer.close();
        }
    }
}
