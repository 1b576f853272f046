package io.callstitch.tools.file;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.HashMap;
import java.util.Map;
import io.callstitch.common.StitchedJson;
import io.callstitch.rekey.QuietPartitionWatermarks;
import io.callstitch.schema.ParsedInput;
import io.callstitch.schema.Status;
import io.callstitch.schema.StitchedCall;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.CloseableIterator;

/**
 * The file mode: {@code deploy/local/stitch-file --in calls.jsonl --out stitched.jsonl}. Runs the three
 * jobs' operators chained in one local Flink run over a file of records and writes the stitched calls,
 * sorted by start_at_ms then id so that equal inputs give byte-equal files.
 */
public final class StitchFile {
    private StitchFile() {}

    /** What a run did, for the summary line and for tests. */
    public static final class Summary {
        public final Map<Status, Long> byStatus = new EnumMap<>(Status.class);
        public long deadLetters;

        public long stitched() {
            return byStatus.values().stream().mapToLong(Long::longValue).sum();
        }

        @Override
        public String toString() {
            StringBuilder text = new StringBuilder().append(stitched()).append(" calls stitched (");
            String sep = "";
            for (Map.Entry<Status, Long> entry : byStatus.entrySet()) {
                text.append(sep).append(entry.getKey()).append(' ').append(entry.getValue());
                sep = ", ";
            }
            return text.append("), ").append(deadLetters).append(" dead letters").toString();
        }
    }

    public static void main(String[] args) throws Exception {
        StitchFileOptions options = StitchFileOptions.parseOrExit(args);
        Summary summary = run(options);
        System.out.println("stitch-file: " + summary + "; stitched calls in " + options.out
                + (summary.deadLetters > 0 ? ", dead letters in " + options.deadLetterOut : ""));
    }

    public static Summary run(StitchFileOptions options) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(options.parallelism, new Configuration());
        env.getConfig().disableGenericTypes();
        DataStream<ParsedInput> parsed = env
                .addSource(new LineFileSource(options.in, options.inputFormat, options.rekey), "Read " + options.in.getFileName(),
                        new AvroTypeInfo<>(ParsedInput.class))
                .setParallelism(1)
                .assignTimestampsAndWatermarks(QuietPartitionWatermarks.of(options.rekey)).setParallelism(1);
        StitchPipeline.Outputs outputs = StitchPipeline.stitch(parsed, options.rekey, options.buckets, options.callers, options.assembly);
        outputs.deadLetters.addSink(new LineFileSink<>(options.deadLetterOut.toString(), DeadLetterJson::write))
                .setParallelism(1).name("Write dead letters");
        // the stitched calls come back to this JVM and are sorted here: the file is written once, in its final order;
        // where a call was written again (REVISED), its last record supersedes the first
        Map<String, StitchedCall> latest = new HashMap<>();
        try (CloseableIterator<StitchedCall> stitched = outputs.stitched.executeAndCollect("callstitch stitch-file")) {
            while (stitched.hasNext()) {
                StitchedCall call = stitched.next();
                latest.put(call.getId(), call);
            }
        }
        Summary summary = writeSorted(latest.values(), options.out);
        summary.deadLetters = countLines(options.deadLetterOut);
        if (summary.deadLetters == 0) {
            Files.deleteIfExists(options.deadLetterOut);
        }
        return summary;
    }

    /** One line per call, by start_at_ms then id. */
    private static Summary writeSorted(Collection<StitchedCall> latest, Path out) throws IOException {
        List<StitchedCall> calls = new ArrayList<>(latest);
        calls.sort((a, b) -> a.getStartAtMs() != b.getStartAtMs()
                ? Long.compare(a.getStartAtMs(), b.getStartAtMs()) : a.getId().compareTo(b.getId()));
        Summary summary = new Summary();
        try (BufferedWriter writer = Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
            for (StitchedCall call : calls) {
                writer.write(StitchedJson.toJson(call));
                writer.write('\n');
                summary.byStatus.merge(call.getStatus(), 1L, Long::sum);
            }
        }
        return summary;
    }

    private static long countLines(Path file) throws IOException {
        if (!Files.exists(file)) {
            return 0;
        }
        try (var lines = Files.lines(file, StandardCharsets.UTF_8)) {
            return lines.count();
        }
    }
}
