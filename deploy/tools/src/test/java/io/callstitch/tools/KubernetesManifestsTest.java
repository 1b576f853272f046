package io.callstitch.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import io.callstitch.assemble.AssembleOptions;
import io.callstitch.chains.ChainsOptions;
import io.callstitch.match.MatchOptions;
import io.callstitch.rekey.RekeyOptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.yaml.snakeyaml.Yaml;

/** The production manifests parse, and each job's arguments are flags its own parser accepts. */
class KubernetesManifestsTest {
    private static final PrintStream NO_HELP = new PrintStream(new ByteArrayOutputStream());

    private static Path manifest(String name) {
        return Paths.get(System.getProperty("callstitch.samples", "local/samples")).resolve("../../kubernetes").resolve(name).normalize();
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> documents(String name) throws Exception {
        List<Map<String, Object>> documents = new ArrayList<>();
        try (Reader reader = Files.newBufferedReader(manifest(name))) {
            for (Object document : new Yaml().loadAll(reader)) {
                documents.add((Map<String, Object>) document);
            }
        }
        return documents;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> container(Map<String, Object> workload) {
        Map<String, Object> template = (Map<String, Object>) ((Map<String, Object>) workload.get("spec")).get("template");
        return ((List<Map<String, Object>>) ((Map<String, Object>) template.get("spec")).get("containers")).get(0);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"rekey, io.callstitch.rekey.RekeyJob", "match, io.callstitch.match.MatchJob", "assemble, io.callstitch.assemble.AssembleJob",
            "chains, io.callstitch.chains.ChainsJob"})
    @SuppressWarnings("unchecked")
    void eachJobRunsItsOwnMainWithFlagsItAccepts(String job, String mainClass) throws Exception {
        List<Map<String, Object>> documents = documents("job-" + job + ".yaml");
        List<String> kinds = new ArrayList<>();
        documents.forEach(document -> kinds.add((String) document.get("kind")));
        assertEquals(List.of("Service", "Job", "Deployment"), kinds);

        Map<String, Object> jobManager = container(documents.get(1));
        assertEquals("flink:1.12.7-scala_2.11-java11", jobManager.get("image"));
        assertEquals("flink:1.12.7-scala_2.11-java11", container(documents.get(2)).get("image"));
        List<String> args = new ArrayList<>((List<String>) jobManager.get("args"));
        assertEquals(List.of("standalone-job", "--job-classname", mainClass), args.subList(0, 3));
        List<String> jobArgs = new ArrayList<>();
        for (String arg : args.subList(3, args.size())) {
            if (!arg.startsWith("-D")) {
                jobArgs.add(arg);
            }
        }
        String[] flags = jobArgs.toArray(new String[0]);
        switch (job) {
            case "rekey":
                RekeyOptions.parse(flags, NO_HELP);
                break;
            case "match":
                MatchOptions.parse(flags, NO_HELP);
                break;
            case "assemble":
                AssembleOptions.parse(flags, NO_HELP);
                break;
            default:
                ChainsOptions.parse(flags, NO_HELP);
        }
        assertTrue(args.contains("-Dkubernetes.cluster-id=callstitch-" + job), "each job is its own HA cluster");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"flink-config.yaml", "common.yaml", "topics.yaml"})
    void sharedManifestsParse(String name) throws Exception {
        assertTrue(documents(name).size() >= 1);
    }
}
