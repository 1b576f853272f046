package io.callstitch.infra.zipkin;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import io.callstitch.infra.ChildJvm;
import io.callstitch.infra.Ports;

/**
 * A stock Zipkin server (the {@code io.zipkin:zipkin-server} exec jar, built into
 * {@value #JAR_IN_REPO} by {@code deploy/zipkin-server/pom.xml}) in a JVM of its own: in-memory
 * storage, its Kafka collector reading one topic of a broker, its UI and API on a loopback port.
 *
 * <p>The collector reads with {@code isolation.level=read_committed} (a Kafka consumer override the
 * server takes as a flag): job-chains writes spans in transactions, and only committed ones are final.
 * The topic must exist before the server starts; its consumer would otherwise only notice it at its
 * next metadata refresh, minutes later.
 */
public final class LocalZipkin implements AutoCloseable {
    /** System property naming the server jar; the build sets it for the tests. */
    public static final String JAR_PROPERTY = "callstitch.zipkin.jar";
    public static final String JAR_IN_REPO = "deploy/zipkin-server/target/zipkin-server.jar";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration STOP_GRACE = Duration.ofSeconds(20);

    private final Process process;
    private final int port;
    private final Path logFile;
    private final Thread hook;

    private LocalZipkin(Process process, int port, Path logFile) {
        this.process = process;
        this.port = port;
        this.logFile = logFile;
        this.hook = new Thread(this::stop, "local-zipkin-stop-" + process.pid());
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /**
     * Starts the server and returns once it answers its health check.
     *
     * @param logFile where the server's output goes
     * @throws LocalZipkinException when the jar is missing, the port is taken, or the server does not come up
     */
    public static LocalZipkin start(Path jar, int port, String bootstrap, String topic, Path logFile) throws InterruptedException {
        if (!Files.isRegularFile(jar)) {
            throw new LocalZipkinException("no Zipkin server jar at " + jar + ": run mvn -q -f deploy/zipkin-server/pom.xml package");
        }
        if (!Ports.isFree("127.0.0.1", port)) {
            throw new LocalZipkinException("port " + port + " on 127.0.0.1 (Zipkin) is already in use: stop what listens there or choose another port");
        }
        List<String> command = List.of(ChildJvm.java().toString(), "-Xmx256m",
                "-jar", jar.toAbsolutePath().toString(),
                "--armeria.ports[0].address=127.0.0.1", "--armeria.ports[0].port=" + port, "--armeria.ports[0].protocols=http",
                "--zipkin.collector.kafka.bootstrap-servers=" + bootstrap, "--zipkin.collector.kafka.topic=" + topic,
                "--zipkin.collector.kafka.overrides.isolation.level=read_committed",
                "--zipkin.storage.type=mem", "--zipkin.collector.grpc.enabled=false");
        Process process;
        try {
            process = ChildJvm.start(command, logFile, false);
        } catch (IOException e) {
            throw new LocalZipkinException("could not start the Zipkin server: " + e.getMessage(), e);
        }
        LocalZipkin zipkin = new LocalZipkin(process, port, logFile);
        try {
            zipkin.awaitHealthy();
            return zipkin;
        } catch (RuntimeException | InterruptedException e) {
            zipkin.close();
            throw e;
        }
    }

    /** The jar named by {@value #JAR_PROPERTY}, else {@value #JAR_IN_REPO} under the repository holding the current directory. */
    public static Path defaultJar() {
        return ChildJvm.located(JAR_PROPERTY, "deploy/zipkin-server/pom.xml", JAR_IN_REPO);
    }

    private void awaitHealthy() throws InterruptedException {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest health = HttpRequest.newBuilder(URI.create(url() + "/health")).timeout(Duration.ofSeconds(5)).build();
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new LocalZipkinException("the Zipkin server stopped while starting (exit " + process.exitValue() + "); see " + logFile);
            }
            try {
                if (http.send(health, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(250);
        }
        throw new LocalZipkinException("the Zipkin server did not answer within " + START_TIMEOUT.toSeconds() + " s; see " + logFile);
    }

    /** {@code http://127.0.0.1:PORT}: the API under it, the UI under {@code /zipkin/}. */
    public String url() {
        return "http://127.0.0.1:" + port;
    }

    /** The UI page of one trace. */
    public String traceUrl(String traceId) {
        return url() + "/zipkin/traces/" + traceId;
    }

    public long pid() {
        return process.pid();
    }

    /** Stops the server (SIGTERM, then SIGKILL after 20 s) and waits until it is gone. */
    @Override
    public void close() {
        stop();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running or has run
        }
    }

    private void stop() {
        ChildJvm.stopUninterruptibly(process.toHandle(), STOP_GRACE);
    }
}
