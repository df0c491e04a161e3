package dev.idempotency.matrix;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The engine, {@code WAIT} and lease renewal on Java 25's virtual threads: 10,000 of them over 100 keys, on Redis and
 * on PostgreSQL, in a JVM of their own. Exactly one execution per key, every caller gets that execution's result, no
 * call fails, and no virtual thread is pinned to its carrier inside the library (JFR's {@code jdk.VirtualThreadPinned},
 * since {@code -Djdk.tracePinnedThreads} is gone from JDK 24 on).
 */
class VirtualThreadsTest {

    static final Path JAVA25 = Path.of(System.getProperty("idempotency.test.java25",
            "/usr/lib/jvm/temurin-25-jdk-amd64"), "bin", "java");

    private static void requireJava25() {
        if (!Files.isExecutable(JAVA25)) {
            if ("true".equals(System.getenv("CI"))) {
                fail("Java 25 is missing at " + JAVA25 + "; install Temurin 25 or set -Didempotency.test.java25");
            }
            assumeTrue(false, "Java 25 is missing at " + JAVA25 + ": install Temurin 25 to run the virtual-thread test");
        }
    }

    private static String run(String storeUri) throws Exception {
        requireJava25();
        Process child = new ProcessBuilder(JAVA25.toString(), "-cp", System.getProperty("java.class.path"),
                VirtualThreadsChild.class.getName(), storeUri).redirectErrorStream(true).start();
        boolean exited = child.waitFor(4, TimeUnit.MINUTES);
        String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!exited) {
            child.destroyForcibly();
            fail("the virtual-thread run did not finish within 4 minutes:\n" + output);
        }
        assertThat(child.exitValue()).as(output).isZero();
        System.out.println(storeUri.replaceAll("\\?.*", "") + ": " + output); // the figures, in the test's report
        return output;
    }

    private static void assertExactlyOncePerKey(String output) {
        assertThat(output).as(output).contains("executions=100 keys=100 twice=0 keysWithOneResult=100 failures=0 millis=").contains("pinnedOurs=0")
                .contains("java=25");
    }

    @Test
    void onRedis() throws Exception {
        StoreRow row = StoreRow.redis();
        String missing = row.missing();
        if (missing != null) {
            if ("true".equals(System.getenv("CI"))) {
                fail(missing);
            }
            assumeTrue(false, missing);
        }
        String prefix = "idemvt:" + UUID.randomUUID() + ":";
        assertExactlyOncePerKey(run("redis://" + StoreRow.REDIS_HOST + ":" + StoreRow.REDIS_PORT + "?keyPrefix=" + prefix
                + "&poolSize=64&poolTimeout=60s"));
    }

    @Test
    void onPostgres() throws Exception {
        String table = "idemvt_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        String url = StoreRow.POSTGRES_URL + "&idempotency.table=" + table + "&idempotency.createTable=true"
                + "&idempotency.poolSize=32&idempotency.connectionTimeout=60s";
        try {
            assertExactlyOncePerKey(run(url));
        } finally {
            try (var c = java.sql.DriverManager.getConnection(StoreRow.POSTGRES_URL);
                 var s = c.createStatement()) {
                s.execute("DROP TABLE IF EXISTS " + table);
            } catch (java.sql.SQLException e) {
                if ("true".equals(System.getenv("CI"))) {
                    throw e;
                }
            }
        }
    }
}
