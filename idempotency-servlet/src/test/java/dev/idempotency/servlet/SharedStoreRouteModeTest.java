package dev.idempotency.servlet;

import dev.idempotency.signature.HttpMessageSigner;
import dev.idempotency.signature.SignedRequest;
import dev.idempotency.signature.SigningKey;
import java.util.Map;
import static org.assertj.core.api.Assertions.assertThat;

import dev.idempotency.core.IdempotencyConfig;
import dev.idempotency.core.IdempotencyRuntime;
import dev.idempotency.testkit.redis.Resp;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Route mode across processes: two server JVMs (one Tomcat, one Jetty) share one store, Redis or PostgreSQL, and 16
 * identical requests split across both run the application exactly once. A missing server skips the test with what to
 * start; under {@code CI=true} it fails.
 */
class SharedStoreRouteModeTest {

    static final String REDIS = "redis://127.0.0.1:6379";
    static final String POSTGRES = System.getenv().getOrDefault("IDEMPOTENCY_TEST_POSTGRES_URL",
            "jdbc:postgresql://127.0.0.1:5432/test?user=postgres")
            + "&idempotency.table=idemservlet_route_records&idempotency.createTable=true";

    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void redisTwoServerJvmsSixteenRequestsOneExecution() throws Exception {
        if (!Resp.answersPing("127.0.0.1", 6379, false)) {
            missing("no Redis answers at 127.0.0.1:6379; start one with: redis-server --port 6379 --save \"\"");
        }
        oneExecutionAcrossTwoJvms(REDIS);
    }

    @Test
    void postgresqlTwoServerJvmsSixteenRequestsOneExecution() throws Exception {
        String plain = POSTGRES.substring(0, POSTGRES.indexOf("&idempotency."));
        try (Connection c = DriverManager.getConnection(plain)) {
            c.isValid(2);
        } catch (SQLException e) {
            missing("PostgreSQL is not reachable at " + plain + " (" + e.getMessage() + "): start it on"
                    + " 127.0.0.1:5432 with a database 'test' that user postgres can use without a password (e.g."
                    + " pg_ctlcluster 15 main start), or set IDEMPOTENCY_TEST_POSTGRES_URL");
        }
        // the table is made here, once, not by two servers racing to make it
        try (IdempotencyRuntime runtime = IdempotencyRuntime.create(IdempotencyConfig.builder().storeUri(POSTGRES)
                .build())) {
            runtime.call("idemservlet.first-contact", UUID.randomUUID().toString(), String.class).run(() -> "made");
        }
        oneExecutionAcrossTwoJvms(POSTGRES);
    }

    private static void missing(String what) {
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            Assertions.fail("CI=true, but " + what);
        }
        Assumptions.abort("skipped: " + what);
    }

    private static void oneExecutionAcrossTwoJvms(String store) throws Exception {
        try (ServerJvm tomcat = new ServerJvm(Container.TOMCAT, store);
             ServerJvm jetty = new ServerJvm(Container.JETTY, store)) {
            List<ServerJvm> servers = List.of(tomcat.await(), jetty.await());
            String key = UUID.randomUUID().toString();
            CountDownLatch answered = new CountDownLatch(15);
            List<CompletableFuture<HttpResponse<String>>> responses = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                responses.add(CLIENT.sendAsync(post(servers.get(i % 2).base.resolve("/api/held"), key),
                        HttpResponse.BodyHandlers.ofString()).whenComplete((r, e) -> answered.countDown()));
            }
            // the first is held in the application until released: every other one is answered meanwhile
            assertThat(answered.await(60, TimeUnit.SECONDS)).as("15 answered while the first is held").isTrue();
            for (ServerJvm server : servers) {
                get(server.base.resolve("/control/release"));
            }

            List<HttpResponse<String>> created = new ArrayList<>();
            int conflicts = 0;
            for (CompletableFuture<HttpResponse<String>> future : responses) {
                HttpResponse<String> response = future.get(60, TimeUnit.SECONDS);
                if (response.statusCode() == 409) {
                    conflicts++;
                } else {
                    assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
                    assertThat(response.headers().firstValue("Idempotent-Replayed")).isEmpty();
                    created.add(response);
                }
            }
            int runs = 0;
            for (ServerJvm server : servers) {
                runs += Integer.parseInt(get(server.base.resolve("/control/runs")));
            }
            assertThat(runs).as("executions in both JVMs").isEqualTo(1);
            assertThat(created).hasSize(1);
            assertThat(conflicts).isEqualTo(15);

            for (ServerJvm server : servers) {
                HttpResponse<String> retry = CLIENT.send(post(server.base.resolve("/api/held"), key),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(retry.statusCode()).isEqualTo(201);
                assertThat(retry.headers().firstValue("Idempotent-Replayed")).hasValue("true");
                assertThat(retry.body()).isEqualTo(created.get(0).body());
                assertThat(retry.headers().firstValue("Location"))
                        .isEqualTo(created.get(0).headers().firstValue("Location"));
            }

            // a signed request sent to both servers at the same moment, as a load balancer would hand out a captured
            // copy: both know the service by one name (the Host the client signed), and the nonce is claimed in the
            // shared store, so exactly one of the two runs it
            HttpMessageSigner signer = HttpMessageSigner.builder(SigningKey.hmacSha256(RouteServer.KEY_ID,
                    RouteServer.SECRET)).build();
            int rounds = 10;
            byte[] body = "pay 5.00".getBytes(StandardCharsets.UTF_8);
            for (int round = 0; round < rounds; round++) {
                Map<String, String> signature = signer.sign(SignedRequest.of("POST",
                        URI.create("http://pay.example/signed/pay"), Map.of(), body));
                List<CompletableFuture<String>> copies = new ArrayList<>();
                for (ServerJvm server : servers) {
                    copies.add(CompletableFuture.supplyAsync(() -> rawPost(server.base, "pay.example", "/signed/pay",
                            signature, body)));
                }
                List<String> statusLines = new ArrayList<>();
                for (CompletableFuture<String> copy : copies) {
                    statusLines.add(copy.get(30, TimeUnit.SECONDS));
                }
                assertThat(statusLines).as("round " + round).anyMatch(r -> r.startsWith("200"))
                        .anyMatch(r -> r.startsWith("401") && r.contains("NONCE_REUSED"));
            }
            int signedRuns = 0;
            for (ServerJvm server : servers) {
                signedRuns += Integer.parseInt(get(server.base.resolve("/control/signed-runs")));
            }
            assertThat(signedRuns).as("each signed request ran once, on one of the two servers").isEqualTo(rounds);
        }
    }

    /**
     * A POST over a plain socket, with the {@code Host} header given (the JDK's client will not send another host's
     * name): the status code and the body, e.g. {@code 401 {"type":...}}.
     */
    private static String rawPost(URI server, String host, String path, Map<String, String> headers, byte[] body) {
        try (java.net.Socket socket = new java.net.Socket(server.getHost(), server.getPort())) {
            socket.setSoTimeout(30_000);
            StringBuilder head = new StringBuilder("POST " + path + " HTTP/1.1\r\nHost: " + host
                    + "\r\nContent-Length: " + body.length + "\r\nConnection: close\r\n");
            headers.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
            head.append("\r\n");
            socket.getOutputStream().write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().write(body);
            socket.getOutputStream().flush();
            String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            String status = response.substring(response.indexOf(' ') + 1, response.indexOf(' ') + 4);
            return status + " " + response.substring(response.indexOf("\r\n\r\n") + 4);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static HttpRequest post(URI uri, String key) {
        return HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60)).header("Idempotency-Key", key)
                .POST(HttpRequest.BodyPublishers.ofString("pay 10.00")).build();
    }

    private static String get(URI uri) throws Exception {
        return CLIENT.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    /** A forked JVM running {@link RouteServer}; closing its standard input stops it. */
    private static final class ServerJvm implements AutoCloseable {
        private final Process process;
        private final CompletableFuture<URI> listening = new CompletableFuture<>();
        private final StringBuffer output = new StringBuffer();
        private URI base;

        ServerJvm(Container container, String store) throws IOException {
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            process = new ProcessBuilder(java, "-Xmx192m", "-XX:TieredStopAtLevel=1", "-cp",
                    System.getProperty("java.class.path"), RouteServer.class.getName(), container.name(), store)
                    .redirectErrorStream(true).start();
            Thread reader = new Thread(() -> {
                try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(),
                        StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = lines.readLine()) != null) {
                        output.append(line).append('\n');
                        if (line.startsWith(RouteServer.LISTENING)) {
                            listening.complete(URI.create(line.substring(RouteServer.LISTENING.length()).trim()));
                        }
                    }
                } catch (IOException e) {
                    // the process ended
                }
                listening.completeExceptionally(new IllegalStateException("the server JVM ended:\n" + output));
            }, container + "-output");
            reader.setDaemon(true);
            reader.start();
        }

        ServerJvm await() throws Exception {
            base = listening.get(60, TimeUnit.SECONDS);
            return this;
        }

        @Override
        public void close() throws Exception {
            process.getOutputStream().close();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }
}
