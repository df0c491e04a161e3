package dev.idempotency.testkit.process;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The example's executable jar in a JVM of its own, on a free loopback port, optionally with the agent; its output goes
 * to a file. {@link #close()} stops it (SIGTERM, so shutdown hooks run) and waits for it.
 */
public final class AppProcess implements AutoCloseable {

    private final Process process;
    private final Path log;
    private final URI base;
    private final long startedNanos;

    private AppProcess(Process process, Path log, URI base, long startedNanos) {
        this.process = process;
        this.log = log;
        this.base = base;
        this.startedNanos = startedNanos;
    }

    /**
     * @param agentJar  the agent, or {@code null} to start without it
     * @param jvmArgs   more JVM options, e.g. {@code -Didempotency.agent.debug=true}
     */
    public static AppProcess start(Path exampleJar, Path agentJar, Path log, List<String> jvmArgs) throws IOException {
        return start(exampleJar, agentJar, null, log, jvmArgs);
    }

    /** @param agentArguments what follows {@code =} after the agent jar, e.g. {@code store=...}, or {@code null} */
    public static AppProcess start(Path exampleJar, Path agentJar, String agentArguments, Path log, List<String> jvmArgs)
            throws IOException {
        int port = freePort();
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        if (agentJar != null) {
            command.add("-javaagent:" + agentJar + (agentArguments == null ? "" : "=" + agentArguments));
        }
        command.addAll(jvmArgs);
        command.addAll(List.of("-jar", exampleJar.toString(), "--server.port=" + port, "--server.address=127.0.0.1"));
        Files.createDirectories(log.getParent());
        long started = System.nanoTime();
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        return new AppProcess(process, log, URI.create("http://127.0.0.1:" + port), started);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    public URI uri(String path) {
        return base.resolve(path);
    }

    /**
     * Waits until the application answers HTTP (a GET of {@code path} is 200) and returns the time from the process start
     * to that first answer. Fails if the process dies or does not get ready in time.
     */
    public Duration awaitReady(HttpClient http, String path, Duration timeout) throws IOException,
            InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        HttpRequest ping = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(2)).GET().build();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the example exited with " + process.exitValue() + ":\n" + output());
            }
            try {
                if (http.send(ping, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return Duration.ofNanos(System.nanoTime() - startedNanos);
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(10);
        }
        throw new IllegalStateException("the example was not ready within " + timeout + ":\n" + output());
    }

    public String output() throws IOException {
        return Files.readString(log, StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
