package io.callstitch.simulator;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.Map;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

/**
 * {@code deploy/local/simulate --out calls.jsonl --truth truth.json --calls N --rate R --seed S [faults]},
 * or {@code --bootstrap HOST:PORT} instead of {@code --out}.
 */
public final class Simulate {
    private Simulate() {}

    public static void main(String[] args) throws Exception {
        SimulatorOptions options = SimulatorOptions.parseOrExit(args);
        Simulation simulation = Simulation.run(options.config);
        if (options.out != null) {
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(Paths.get(options.out)), 1 << 16)) {
                for (byte[] record : simulation.records()) {
                    out.write(record);
                    out.write('\n');
                }
            }
        } else {
            KafkaWriter.write(options.bootstrap, options.topic, simulation.records(), options.sendRate,
                    simulation.lastEndMs() + options.heartbeatAfterMs, System.err);
        }
        if (options.truth != null) {
            writeTruth(simulation.truthParents(), options.truth);
        }
        System.out.println("simulate: " + simulation.calls().size() + " calls in " + simulation.requests() + " requests, "
                + simulation.duplicates() + " duplicates, " + simulation.malformed() + " malformed records, at most "
                + simulation.peakGatewayConcurrency() + " concurrent calls into the gateway; "
                + (options.out != null ? "written to " + options.out : "sent to " + options.topic + " at " + options.bootstrap)
                + (options.truth != null ? "; truth in " + options.truth : ""));
    }

    /** One JSON object: every call id to its true parent id, or null. */
    public static void writeTruth(Map<String, String> truthParents, String file) {
        try (JsonGenerator json = new JsonFactory().createGenerator(Files.newBufferedWriter(Paths.get(file)))) {
            json.writeStartObject();
            for (Map.Entry<String, String> entry : truthParents.entrySet()) {
                if (entry.getValue() == null) {
                    json.writeNullField(entry.getKey());
                } else {
                    json.writeStringField(entry.getKey(), entry.getValue());
                }
            }
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
