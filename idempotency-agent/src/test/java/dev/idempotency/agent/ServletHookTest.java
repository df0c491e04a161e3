package dev.idempotency.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idempotency.core.Idempotency;
import dev.idempotency.core.IdempotencyConfig;
import dev.idempotency.servlet.IdempotencyFilter;
import jakarta.servlet.http.HttpServlet;
import java.lang.instrument.Instrumentation;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import dev.idempotency.testapp.PayServlet;
import net.bytebuddy.agent.ByteBuddyAgent;
import org.apache.catalina.Context;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.util.descriptor.web.FilterDef;
import org.apache.tomcat.util.descriptor.web.FilterMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The agent puts the idempotency filter in front of every {@code HttpServlet} of a real Tomcat that registers none:
 * {@code #headers} reads the request, refusals are problem documents, replays are marked. A filter the application
 * registers as well is not applied twice. (The servlet API here is on the class path with the agent; the Spring Boot
 * example's test covers a container whose API only its own loader sees.)
 */
class ServletHookTest {

    private final HttpClient http = HttpClient.newHttpClient();
    private Instrumentation inst;

    @BeforeEach
    void memoryStore() {
        inst = ByteBuddyAgent.install();
        Idempotency.configure(IdempotencyConfig.builder().storeUri("memory:").build());
    }

    @AfterEach
    void reset() {
        Idempotency.reset();
    }

    @Test
    void aContainerWithNoFilterGetsBindingProblemsAndTheReplayHeader() throws Exception {
        AgentInstaller.Installation installation = AgentInstaller.install(inst, new TransformLog(false), true);
        PayServlet servlet = new PayServlet();
        try (Server server = Server.start(servlet, false)) {
            String key = UUID.randomUUID().toString();
            HttpResponse<String> first = post(server.uri, key, "10");
            HttpResponse<String> again = post(server.uri, "\"" + key + "\"", "10");
            assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
            assertThat(first.body()).isEqualTo("paid 10 #1");
            assertThat(first.headers().firstValue(IdempotencyFilter.REPLAYED_HEADER)).isEmpty();
            assertThat(again.body()).as("the quoted key is the same key").isEqualTo("paid 10 #1");
            assertThat(again.headers().firstValue(IdempotencyFilter.REPLAYED_HEADER)).contains("true");

            HttpResponse<String> reused = post(server.uri, key, "99");
            assertThat(reused.statusCode()).isEqualTo(422);
            assertThat(reused.headers().firstValue("Content-Type")).contains("application/problem+json");
            HttpResponse<String> none = post(server.uri, null, "10");
            assertThat(none.statusCode()).as(none.body()).isEqualTo(400);
            assertThat(none.body()).contains("\"status\":400");
            assertThat(servlet.payments.runs).as("only the first request ran").hasValue(1);
        } finally {
            installation.close();
        }
    }

    @Test
    void aFilterTheApplicationRegistersToo_isAppliedOnce() throws Exception {
        AgentInstaller.Installation installation = AgentInstaller.install(inst, new TransformLog(false), true);
        PayServlet servlet = new PayServlet();
        try (Server server = Server.start(servlet, true)) {
            String key = UUID.randomUUID().toString();
            assertThat(post(server.uri, key, "5").body()).isEqualTo("paid 5 #1");
            HttpResponse<String> again = post(server.uri, key, "5");
            assertThat(again.body()).isEqualTo("paid 5 #1");
            assertThat(again.headers().allValues(IdempotencyFilter.REPLAYED_HEADER)).containsExactly("true");
        } finally {
            installation.close();
        }
    }

    @Test
    void aBadHttpSettingFailsEveryRequestRatherThanRunItUnprotected() throws Exception {
        AgentInstaller.Installation installation = AgentInstaller.install(inst, new TransformLog(false), true);
        PayServlet servlet = new PayServlet();
        forgetTheFilter(); // made by an earlier test, from the settings of then
        System.setProperty("idempotency.http.maxBodySize", "lots");
        try (Server server = Server.start(servlet, false)) {
            HttpResponse<String> refused = post(server.uri, UUID.randomUUID().toString(), "1");
            assertThat(refused.statusCode()).isEqualTo(500);
            assertThat(servlet.payments.runs).as("nothing ran").hasValue(0);
            System.clearProperty("idempotency.http.maxBodySize");
            assertThat(post(server.uri, UUID.randomUUID().toString(), "1").body())
                    .as("fixed, the next request goes through").isEqualTo("paid 1 #1");
        } finally {
            System.clearProperty("idempotency.http.maxBodySize");
            forgetTheFilter();
            installation.close();
        }
    }

    @Test
    void signatureRoutesFromTheSettingsAreVerifiedBeforeTheServlet() throws Exception {
        AgentInstaller.Installation installation = AgentInstaller.install(inst, new TransformLog(false), true);
        PayServlet servlet = new PayServlet();
        byte[] secret = new byte[32];
        forgetTheFilter();
        System.setProperty("idempotency.signature.routes", "POST /pay");
        System.setProperty("idempotency.signature.keys.client-1",
                "hmac-sha256:" + java.util.Base64.getEncoder().encodeToString(secret));
        try (Server server = Server.start(servlet, false)) {
            HttpResponse<String> unsigned = post(server.uri, UUID.randomUUID().toString(), "1");
            assertThat(unsigned.statusCode()).isEqualTo(401);
            assertThat(unsigned.body()).contains("MISSING_SIGNATURE");
            URI uri = server.uri.resolve("/pay");
            String key = UUID.randomUUID().toString();
            java.util.Map<String, String> signature = dev.idempotency.signature.HttpMessageSigner.builder(
                    dev.idempotency.signature.SigningKey.hmacSha256("client-1", secret)).build()
                    .sign(dev.idempotency.signature.SignedRequest.of("POST", uri,
                            java.util.Map.of("Idempotency-Key", java.util.List.of(key)), "2".getBytes()));
            HttpRequest.Builder signed = HttpRequest.newBuilder(uri).header("Idempotency-Key", key)
                    .POST(HttpRequest.BodyPublishers.ofString("2"));
            signature.forEach(signed::header);
            HttpResponse<String> accepted = http.send(signed.build(), HttpResponse.BodyHandlers.ofString());
            assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(200);
            assertThat(accepted.body()).isEqualTo("paid 2 #1");
            HttpResponse<String> captured = http.send(signed.build(), HttpResponse.BodyHandlers.ofString());
            assertThat(captured.statusCode()).isEqualTo(401);
            assertThat(captured.body()).contains("NONCE_REUSED");
            assertThat(servlet.payments.runs).as("only the signed request ran").hasValue(1);
        } finally {
            System.clearProperty("idempotency.signature.routes");
            System.clearProperty("idempotency.signature.keys.client-1");
            forgetTheFilter();
            installation.close();
        }
    }

    /** The hook makes its filter once per JVM (per servlet API), at the first request. */
    private static void forgetTheFilter() throws ReflectiveOperationException {
        java.lang.reflect.Field filter = Class.forName("dev.idempotency.servlet.agent.ServletHook")
                .getDeclaredField("filter");
        filter.setAccessible(true);
        filter.set(null, null);
    }

    private HttpResponse<String> post(URI uri, String key, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri.resolve("/pay"))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (key != null) {
            request.header("Idempotency-Key", key);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** An embedded Tomcat on a free loopback port with the one servlet, and the filter if asked. */
    private record Server(Tomcat tomcat, URI uri) implements AutoCloseable {
        static Server start(HttpServlet servlet, boolean withFilter) throws Exception {
            Path base = Files.createTempDirectory("tomcat");
            Tomcat tomcat = new Tomcat();
            tomcat.setBaseDir(base.toString());
            Connector connector = new Connector();
            connector.setPort(0);
            connector.setProperty("address", "127.0.0.1");
            tomcat.setConnector(connector);
            Context context = tomcat.addContext("", base.toString());
            Tomcat.addServlet(context, "pay", servlet);
            context.addServletMappingDecoded("/pay", "pay");
            if (withFilter) {
                FilterDef def = new FilterDef();
                def.setFilterName("idempotency");
                def.setFilter(new IdempotencyFilter());
                context.addFilterDef(def);
                FilterMap map = new FilterMap();
                map.setFilterName("idempotency");
                map.addURLPattern("/*");
                context.addFilterMap(map);
            }
            tomcat.start();
            return new Server(tomcat, URI.create("http://127.0.0.1:" + connector.getLocalPort()));
        }

        @Override
        public void close() throws Exception {
            tomcat.stop();
            tomcat.destroy();
        }
    }
}
