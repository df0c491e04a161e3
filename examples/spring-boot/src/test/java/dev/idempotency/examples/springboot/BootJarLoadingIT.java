package dev.idempotency.examples.springboot;

import dev.idempotency.testkit.process.AppProcess;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * What only the application's class loader can see inside a Spring Boot executable jar, with the real agent:
 * {@code idempotency.properties} in {@code BOOT-INF/classes}, and a JDBC driver in {@code BOOT-INF/lib}.
 */
class BootJarLoadingIT {

    private static final String POSTGRES = "jdbc:postgresql://127.0.0.1:5432/test?user=postgres";

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void settingsInBootInfClassesAreUsed() throws Exception {
        Path exampleJar = exampleJar();
        Path withSettings = exampleJar.resolveSibling("example-with-settings.jar");
        addEntry(exampleJar, withSettings, "BOOT-INF/classes/idempotency.properties",
                "idempotency.ttl=PT7M\nidempotency.lease=PT9S\n");
        try (AppProcess app = AppProcess.start(withSettings, agentJar(),
                exampleJar.resolveSibling("example-settings-it.log"), List.of())) {
            app.awaitReady(http, "/api/accounts", Duration.ofSeconds(120));
            assertExactlyOnce(app);
            assertThat(app.output()).containsPattern("\\[idempotency-agent\\] store memory: \\(ttl PT7M, lease PT9S\\)"
                    + " from jar:\\S*example-with-settings\\.jar\\S*BOOT-INF/classes\\S*/idempotency\\.properties, read at the first"
                    + " @Idempotent call");
        } finally {
            Files.deleteIfExists(withSettings);
        }
    }

    @Test
    void aPostgresStoreWhoseDriverIsOnlyInBootInfLib() throws Exception {
        assumeService("PostgreSQL", 5432);
        Path exampleJar = exampleJar();
        try (ZipFile jar = new ZipFile(exampleJar.toFile())) {
            assertThat(Collections.list(jar.entries())).as("the driver is packed in BOOT-INF/lib")
                    .anyMatch(e -> e.getName().matches("BOOT-INF/lib/postgresql-.*\\.jar"));
        }
        String table = "idem_boot_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        String store = POSTGRES + "&idempotency.table=" + table + "&idempotency.createTable=true";
        try (AppProcess app = AppProcess.start(exampleJar, agentJar(), "store=" + store,
                exampleJar.resolveSibling("example-postgres-it.log"), List.of())) {
            app.awaitReady(http, "/api/accounts", Duration.ofSeconds(120));
            String key = assertExactlyOnce(app);
            // premain checked the URI (the JDBC store's provider is in the agent jar); the store, with the driver that
            // only the application's class loader sees, was built at the first call, through that loader
            assertThat(app.output()).contains("started: store jdbc:postgresql://127.0.0.1:5432/test")
                    .doesNotContain("[idempotency-agent] ERROR");
            // the record is in PostgreSQL, not in memory
            try (Connection c = DriverManager.getConnection(POSTGRES); Statement s = c.createStatement();
                 ResultSet rows = s.executeQuery("select count(*) from " + table)) {
                assertThat(rows.next()).isTrue();
                assertThat(rows.getInt(1)).as("one record for " + key).isEqualTo(1);
            }
        } finally {
            try (Connection c = DriverManager.getConnection(POSTGRES); Statement s = c.createStatement()) {
                s.execute("drop table if exists " + table);
            }
        }
    }

    /** Three requests with one key: one transfer, three identical receipts. Returns the key. */
    private String assertExactlyOnce(AppProcess app) throws Exception {
        String before = get(app, "/api/accounts");
        String key = UUID.randomUUID().toString();
        List<HttpResponse<String>> responses = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            responses.add(http.send(HttpRequest.newBuilder(app.uri("/api/transfer"))
                    .header("Content-Type", "application/json").header("Idempotency-Key", key)
                    .timeout(Duration.ofSeconds(30))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"from\":\"alice\",\"to\":\"bob\",\"amount\":3}"))
                    .build(), HttpResponse.BodyHandlers.ofString()));
        }
        for (HttpResponse<String> response : responses) {
            assertThat(response.statusCode()).as(response.body() + "\n" + app.output()).isEqualTo(200);
            assertThat(response.body()).isEqualTo(responses.get(0).body());
        }
        String after = get(app, "/api/accounts");
        assertThat(balance(after, "alice")).isEqualTo(balance(before, "alice") - 3);
        assertThat(balance(after, "bob")).isEqualTo(balance(before, "bob") + 3);
        return key;
    }

    private String get(AppProcess app, String path) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(app.uri(path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body();
    }

    private static long balance(String accounts, String name) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"" + name + "\":(-?\\d+)").matcher(accounts);
        assertThat(m.find()).as(accounts).isTrue();
        return Long.parseLong(m.group(1));
    }

    /** A copy of the jar with one more entry; every other entry copied as it is (nested jars stay stored). */
    private static void addEntry(Path from, Path to, String name, String text) throws IOException {
        byte[] content = text.getBytes(StandardCharsets.UTF_8);
        try (ZipFile in = new ZipFile(from.toFile()); OutputStream file = Files.newOutputStream(to);
             ZipOutputStream out = new ZipOutputStream(file)) {
            for (ZipEntry entry : Collections.list(in.entries())) {
                ZipEntry copy = new ZipEntry(entry.getName());
                copy.setTime(entry.getTime());
                if (entry.getMethod() == ZipEntry.STORED) {
                    copy.setMethod(ZipEntry.STORED);
                    copy.setSize(entry.getSize());
                    copy.setCompressedSize(entry.getSize());
                    copy.setCrc(entry.getCrc());
                }
                out.putNextEntry(copy);
                try (InputStream data = in.getInputStream(entry)) {
                    data.transferTo(out);
                }
                out.closeEntry();
            }
            ZipEntry added = new ZipEntry(name);
            added.setMethod(ZipEntry.STORED);
            added.setSize(content.length);
            added.setCompressedSize(content.length);
            CRC32 crc = new CRC32();
            crc.update(content);
            added.setCrc(crc.getValue());
            out.putNextEntry(added);
            out.write(content);
            out.closeEntry();
        }
    }

    private static Path exampleJar() {
        Path jar = Path.of(System.getProperty("example.jar"));
        assertThat(jar).as("the executable jar (mvn package)").isRegularFile();
        return jar;
    }

    private static Path agentJar() {
        Path jar = Path.of(System.getProperty("idempotency.agent.jar")).normalize();
        assertThat(jar).as("the agent jar: the reactor builds idempotency-agent first").isRegularFile();
        return jar;
    }

    /** Skipped with a message where the service is not running; in CI (CI=true) its absence is a failure. */
    private static void assumeService(String name, int port) {
        boolean up;
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            up = true;
        } catch (IOException e) {
            up = false;
        }
        String message = name + " is not running on 127.0.0.1:" + port + ": start it to run this test";
        if (!up && "true".equals(System.getenv("CI"))) {
            throw new AssertionError(message + " (CI=true: required)");
        }
        Assumptions.assumeTrue(up, message);
    }
}
