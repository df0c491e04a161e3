package dev.idempotency.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.idempotency.IdempotencyStoreException;
import dev.idempotency.spi.ClaimResult;
import dev.idempotency.spi.Outcome;
import dev.idempotency.testkit.redis.RedisNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code rediss://} against a server that speaks only TLS, with a certificate for IP 127.0.0.1 from a CA made for the
 * test; the JVM trusts that CA through {@code javax.net.ssl.trustStore}. The certificate is verified, host name
 * included: the same server under the name {@code localhost} is refused.
 */
@RequiresRedis(servers = true, programs = {"openssl", "keytool"})
@Timeout(value = 1, unit = TimeUnit.MINUTES)
class RedisTlsTest {

    private static Path dir;
    private static RedisNode node;
    private static String previousTrustStore;
    private static String previousPassword;

    @BeforeAll
    static void startTlsServer() throws Exception {
        dir = Files.createTempDirectory("redis-tls-certs-");
        Files.writeString(dir.resolve("san.cnf"), "subjectAltName=IP:127.0.0.1\n", StandardCharsets.US_ASCII);
        run("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.crt",
                "-days", "1", "-subj", "/CN=idempotency-test-ca");
        run("openssl", "req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr",
                "-subj", "/CN=127.0.0.1");
        run("openssl", "x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
                "-out", "server.crt", "-days", "1", "-extfile", "san.cnf");
        run("keytool", "-importcert", "-noprompt", "-alias", "test-ca", "-file", "ca.crt", "-keystore", "trust.p12",
                "-storetype", "PKCS12", "-storepass", "changeit");
        node = RedisNode.startTls(RedisNode.freePorts(7151, 1, false)[0], dir.resolve("server.crt"),
                dir.resolve("server.key"), dir.resolve("ca.crt"));
        previousTrustStore = System.getProperty("javax.net.ssl.trustStore");
        previousPassword = System.getProperty("javax.net.ssl.trustStorePassword");
        System.setProperty("javax.net.ssl.trustStore", dir.resolve("trust.p12").toString());
        System.setProperty("javax.net.ssl.trustStorePassword", "changeit");
    }

    @AfterAll
    static void stop() {
        restore("javax.net.ssl.trustStore", previousTrustStore);
        restore("javax.net.ssl.trustStorePassword", previousPassword);
        if (node != null) {
            node.close();
        }
        if (dir != null) {
            RedisNode.deleteTree(dir);
        }
    }

    @Test
    void redissTalksTlsAndTheRecordsRoundTrip() {
        try (RedisStore store = RedisStore.create("rediss://127.0.0.1:" + node.port)) {
            assertThat(store.describe()).startsWith("redis(rediss://127.0.0.1:" + node.port);
            assertThat(store.claim("tls", "k", "o", "fp", Duration.ofSeconds(5))).isEqualTo(ClaimResult.CLAIMED);
            assertThat(store.complete("tls", "k", "o", Outcome.value("\"ok\""), Duration.ofMinutes(1))).isTrue();
            assertThat(store.read("tls", "k").outcome()).isEqualTo(Outcome.value("\"ok\""));
        }
    }

    @Test
    void theServersNameIsVerified() {
        try (RedisStore store = RedisStore.create("rediss://localhost:" + node.port + "?connectTimeout=1s")) {
            assertThatThrownBy(() -> store.claim("tls", "k", "o", "fp", Duration.ofSeconds(5)))
                    .isInstanceOf(IdempotencyStoreException.class)
                    .hasMessageContaining("Redis rediss://localhost:" + node.port + " could not claim key 'k'")
                    .hasMessageContaining("the TLS handshake failed")
                    .hasMessageContaining("No name matching localhost")
                    .satisfies(e -> assertThat(((IdempotencyStoreException) e).isUnreachable())
                            .as("a configuration error, not an outage").isFalse());
        }
    }

    @Test
    void plainTextIsNotTls() {
        try (RedisStore store = RedisStore.create("redis://127.0.0.1:" + node.port + "?socketTimeout=500ms")) {
            assertThatThrownBy(() -> store.claim("tls", "k", "o", "fp", Duration.ofSeconds(5)))
                    .isInstanceOf(IdempotencyStoreException.class);
        }
    }

    private static void run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(List.of(command)).directory(dir.toFile()).redirectErrorStream(true).start();
        p.getOutputStream().close();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException(command[0] + " did not finish");
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed:\n" + out);
        }
    }

    private static void restore(String name, String value) {
        if (value == null) {
            System.clearProperty(name);
        } else {
            System.setProperty(name, value);
        }
    }
}
