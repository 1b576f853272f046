package io.callstitch.tools.check;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.callstitch.common.StitchedJson;
import io.callstitch.common.Cli;
import io.callstitch.common.UsageException;
import io.callstitch.tools.file.RecordLines;
import io.callstitch.tools.kafka.TopicIo;
import io.callstitch.rekey.CallParser;
import io.callstitch.rekey.InputFormat;
import io.callstitch.rekey.RekeyOptions;
import io.callstitch.schema.Call;
import io.callstitch.schema.ParsedInput;
import io.callstitch.schema.StitchedCall;

/**
 * {@code deploy/local/evaluate --input calls.jsonl --stitched stitched.jsonl [--truth truth.json]}: one
 * table comparing a stitched output with the rule and, when the truth is known, with the truth.
 * Exits 1 when the output differs from the rule.
 */
public final class Evaluate {
    private Evaluate() {}

    public static void main(String[] args) throws Exception {
        EvaluateOptions options = EvaluateOptions.parseOrExit(args);
        Evaluation evaluation;
        try {
            List<Call> calls = readCalls(options.input, options.inputFormat);
            List<StitchedCall> stitched = options.stitched != null
                    ? readStitched(options.stitched)
                    : TopicIo.readUntil(options.bootstrap, options.stitchedTopic, StitchedCall.class,
                            read -> read.size() >= calls.size(), Duration.ofMinutes(2), Duration.ofSeconds(2));
            evaluation = Evaluation.of(calls, stitched, options.truth == null ? null : readTruth(options.truth));
        } catch (UsageException e) {
            Cli.exitWithError("evaluate", e.getMessage());
            return;
        }
        System.out.print(evaluation.table());
        String calibration = evaluation.calibrationTable();
        if (!calibration.isEmpty()) {
            System.out.println();
            System.out.print(calibration);
        }
        if (evaluation.differences > 0) {
            System.out.println("Differences from the rule, e.g.: " + evaluation.differenceExamples);
            System.exit(1);
        }
    }

    /** The valid calls of a raw file, one per id (the first, as job-rekey keeps it), parsed as job-rekey parses them. */
    public static List<Call> readCalls(Path file, InputFormat format) throws Exception {
        CallParser parser = CallParser.of(format, RekeyOptions.parse(new String[0], null).settings);
        Map<String, Call> calls = new LinkedHashMap<>();
        RecordLines.read(file, (bytes, line) -> {
            ParsedInput result = parser.parse(bytes);
            if (result.getCall() != null) {
                calls.putIfAbsent(result.getCall().getId(), result.getCall());
            }
            return true;
        });
        return new ArrayList<>(calls.values());
    }

    public static List<StitchedCall> readStitched(Path file) throws IOException, UsageException {
        List<StitchedCall> stitched = new ArrayList<>();
        int line = 0;
        for (String text : Files.readAllLines(file)) {
            line++;
            if (text.isBlank()) {
                continue;
            }
            try {
                stitched.add(StitchedJson.parse(text));
            } catch (IllegalArgumentException e) {
                throw new UsageException(file + " line " + line + " is not a stitched call: " + e.getMessage());
            }
        }
        return stitched;
    }

    /** The simulator's truth file: {"id": "parent id" or null, ...}. */
    public static Map<String, String> readTruth(Path file) throws IOException, UsageException {
        Map<String, String> truth = new HashMap<>();
        try (JsonParser json = new JsonFactory().createParser(file.toFile())) {
            if (json.nextToken() != JsonToken.START_OBJECT) {
                throw new UsageException(file + " is not a JSON object of call id to parent id");
            }
            while (json.nextToken() == JsonToken.FIELD_NAME) {
                String id = json.getCurrentName();
                JsonToken value = json.nextToken();
                if (value != JsonToken.VALUE_NULL && value != JsonToken.VALUE_STRING) {
                    throw new UsageException(file + ": the parent of " + id + " must be a string or null");
                }
                truth.put(id, value == JsonToken.VALUE_NULL ? null : json.getText());
            }
        }
        return truth;
    }
}
