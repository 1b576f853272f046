package io.callstitch.infra.kafka;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * SASL/SCRAM over TLS for the local broker, made once per data dir and kept there: a self-signed
 * certificate for 127.0.0.1 (a PKCS12 keystore for the broker, a truststore for the clients), the
 * broker's own SCRAM user and one client user, with random passwords. Clients get their settings from
 * {@code client.properties} in the data dir, the file the jobs take with {@code --kafka-config}. Secret
 * files are readable by their owner only.
 */
public final class BrokerSecurity {
    public static final String MECHANISM = "SCRAM-SHA-512";
    public static final String CLIENT_PROPERTIES = "client.properties";
    static final String CLIENT_USER = "callstitch";
    private static final String BROKER_USER = "broker";
    private static final String DIR = "security";
    private static final String SECRETS = "secrets.properties";

    private final Path dir;
    private final Properties secrets;

    private BrokerSecurity(Path dir, Properties secrets) {
        this.dir = dir;
        this.secrets = secrets;
    }

    /** The data dir's security files, made on first use with {@code keytool} of the given JDK. */
    static BrokerSecurity prepare(Path dataDir, Path java, String host) throws IOException, InterruptedException {
        Path dir = dataDir.resolve(DIR);
        Files.createDirectories(dir);
        Path secretsFile = dir.resolve(SECRETS);
        Properties secrets = new Properties();
        if (Files.exists(secretsFile)) {
            try (InputStream in = Files.newInputStream(secretsFile)) {
                secrets.load(in);
            }
        } else {
            secrets.setProperty("store", random());
            secrets.setProperty(BROKER_USER, random());
            secrets.setProperty(CLIENT_USER, random());
            writePrivately(secretsFile, secrets, "the local broker's secrets: made on its first start, never logged");
        }
        BrokerSecurity security = new BrokerSecurity(dir, secrets);
        if (!Files.exists(security.keystore())) {
            Path keytool = java.resolveSibling("keytool");
            String store = secrets.getProperty("store");
            run(keytool, "-genkeypair", "-alias", "broker", "-keyalg", "RSA", "-keysize", "2048", "-validity", "3650",
                    "-dname", "CN=" + host, "-ext", "SAN=IP:" + host + ",DNS:localhost", "-storetype", "PKCS12", "-keystore", security.keystore().toString(),
                    "-storepass", store, "-keypass", store);
            Path certificate = dir.resolve("broker.crt");
            run(keytool, "-exportcert", "-alias", "broker", "-keystore", security.keystore().toString(), "-storepass", store,
                    "-file", certificate.toString());
            run(keytool, "-importcert", "-noprompt", "-alias", "broker", "-file", certificate.toString(), "-storetype", "PKCS12",
                    "-keystore", security.truststore().toString(), "-storepass", store);
        }
        Properties client = security.clientProperties();
        writePrivately(dataDir.resolve(CLIENT_PROPERTIES), client,
                "Kafka client settings for the local broker (SASL/SCRAM over TLS): pass with --kafka-config");
        return security;
    }

    private Path keystore() {
        return dir.resolve("broker.p12");
    }

    private Path truststore() {
        return dir.resolve("truststore.p12");
    }

    /** The broker's listener and SASL lines of server.properties: SASL_SSL for clients and between brokers. */
    List<String> serverProperties() {
        String store = secrets.getProperty("store");
        List<String> lines = new ArrayList<>();
        lines.add("sasl.enabled.mechanisms=" + MECHANISM);
        lines.add("sasl.mechanism.inter.broker.protocol=" + MECHANISM);
        lines.add("listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config=" + jaas(BROKER_USER, secrets.getProperty(BROKER_USER)));
        lines.add("ssl.keystore.type=PKCS12");
        lines.add("ssl.keystore.location=" + keystore());
        lines.add("ssl.keystore.password=" + store);
        lines.add("ssl.key.password=" + store);
        lines.add("ssl.truststore.type=PKCS12");
        lines.add("ssl.truststore.location=" + truststore());
        lines.add("ssl.truststore.password=" + store);
        lines.add("ssl.client.auth=none");
        return lines;
    }

    /** The arguments of {@code kafka-storage format} that create both SCRAM users in the new cluster's metadata. */
    List<String> formatArguments() {
        return List.of("--add-scram", MECHANISM + "=[name=" + BROKER_USER + ",password=" + secrets.getProperty(BROKER_USER) + "]",
                "--add-scram", MECHANISM + "=[name=" + CLIENT_USER + ",password=" + secrets.getProperty(CLIENT_USER) + "]");
    }

    /** What a client needs besides {@code bootstrap.servers}: the client user over TLS, trusting the broker's certificate. */
    public Properties clientProperties() {
        Properties props = new Properties();
        props.setProperty("security.protocol", "SASL_SSL");
        props.setProperty("sasl.mechanism", MECHANISM);
        props.setProperty("sasl.jaas.config", jaas(CLIENT_USER, secrets.getProperty(CLIENT_USER)));
        props.setProperty("ssl.truststore.type", "PKCS12");
        props.setProperty("ssl.truststore.location", truststore().toString());
        props.setProperty("ssl.truststore.password", secrets.getProperty("store"));
        return props;
    }

    private static String jaas(String user, String password) {
        return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + user + "\" password=\"" + password + "\";";
    }

    private static String random() {
        byte[] bytes = new byte[18];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static void writePrivately(Path file, Properties props, String comment) throws IOException {
        Files.deleteIfExists(file);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try (OutputStream out = Files.newOutputStream(file)) {
            props.store(out, comment);
        }
    }

    private static void run(Path keytool, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(keytool.toString());
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            // the command line holds the store password: name the step only
            throw new LocalKafkaException("keytool " + args[0] + " failed making the local broker's TLS files: "
                    + new String(output, java.nio.charset.StandardCharsets.UTF_8).lines().findFirst().orElse(""));
        }
    }
}
