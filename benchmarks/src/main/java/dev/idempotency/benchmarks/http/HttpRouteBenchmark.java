package dev.idempotency.benchmarks.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.idempotency.core.IdempotencyConfig;
import dev.idempotency.core.IdempotencyRuntime;
import dev.idempotency.memory.MemoryStore;
import dev.idempotency.servlet.IdempotencyFilter;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterRegistration;
import jakarta.servlet.ServletContainerInitializer;
import jakarta.servlet.ServletContext;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.catalina.Context;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One POST over loopback HTTP/1.1 (the JDK's HttpClient, kept-alive connection) to an embedded Tomcat 11, in four ways
 * measured in one run:
 *
 * <ul>
 *   <li>{@code plain}: the application's handler with no filter: the baseline;</li>
 *   <li>{@code filterNotARoute}: the same through {@link IdempotencyFilter} with route mode on, for a path that is not
 *       a route (the cost every other request of an application pays);</li>
 *   <li>{@code routeFirst}: the same on a route with a fresh {@code Idempotency-Key} each time: claim, run, record
 *       the response (in-memory store);</li>
 *   <li>{@code routeReplay}: the same on a route with one key whose response is recorded: the handler does not run.</li>
 * </ul>
 *
 * <p>The handler does what a small endpoint does: it parses a 2.6 KB JSON order (40 lines) with Jackson, prices it in
 * {@code BigDecimal}, then does {@code work} rounds of SHA-256 over the total, standing in for the rest of the
 * application's work (200: an endpoint that does little; 2000: one whose work costs about what a local database
 * round trip does; docs/benchmarks.md gives what each cost in the run), and writes a JSON receipt. Each variant checks itself after every
 * iteration: the handler ran once per request (plain, filter, first) or never (replay).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@State(Scope.Benchmark)
public class HttpRouteBenchmark {

    static final AtomicLong RUNS = new AtomicLong();
    private static final ObjectMapper JSON = new ObjectMapper();
    static volatile int rounds;

    /** Rounds of SHA-256 the handler does besides parsing and pricing: see the class comment. */
    @Param({"200", "2000"})
    public int work;

    private Tomcat tomcat;
    private IdempotencyRuntime runtime;
    private HttpClient client;
    private URI base;
    private byte[] order;
    private final AtomicLong keys = new AtomicLong();
    private long runsBefore;
    private long requestsBefore;
    private final AtomicLong requests = new AtomicLong();

    @Setup(Level.Trial)
    public void start() throws Exception {
        rounds = work;
        runtime = IdempotencyRuntime.create(IdempotencyConfig.builder()
                .store(new MemoryStore(Clock.systemUTC(), MemoryStore.DEFAULT_MAX_ENTRIES)).build());
        Path dir = Files.createTempDirectory("tomcat-bench");
        tomcat = new Tomcat();
        tomcat.setBaseDir(dir.toString());
        Connector connector = new Connector();
        connector.setPort(0);
        connector.setProperty("address", "127.0.0.1");
        tomcat.setConnector(connector);
        Context context = tomcat.addContext("", dir.toString());
        context.addServletContainerInitializer(new App(runtime), Set.of());
        tomcat.start();
        base = URI.create("http://127.0.0.1:" + connector.getLocalPort());
        client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        StringBuilder json = new StringBuilder("{\"customer\":\"c-1042\",\"currency\":\"EUR\",\"lines\":[");
        for (int i = 0; i < 40; i++) {
            json.append(i == 0 ? "" : ",").append("{\"sku\":\"SKU-").append(1000 + i).append("\",\"quantity\":")
                    .append(1 + i % 4).append(",\"unitPrice\":\"").append(3 + i).append(".").append(10 + i)
                    .append("\",\"vat\":\"0.19\"}");
        }
        order = json.append("]}").toString().getBytes(StandardCharsets.UTF_8);
        HttpResponse<byte[]> first = post("/route/orders", "replayed-key");
        check(first.statusCode() == 200 && first.headers().firstValue("Idempotent-Replayed").isEmpty(),
                "the first request on the route ran: " + first.statusCode());
        HttpResponse<byte[]> replay = post("/route/orders", "replayed-key");
        check(replay.headers().firstValue("Idempotent-Replayed").isPresent(), "the second one was replayed");
    }

    @TearDown(Level.Trial)
    public void stop() throws Exception {
        tomcat.stop();
        tomcat.destroy();
        runtime.close();
    }

    @Setup(Level.Iteration)
    public void mark() {
        runsBefore = RUNS.get();
        requestsBefore = requests.get();
    }

    @TearDown(Level.Iteration)
    public void verify(org.openjdk.jmh.infra.BenchmarkParams params) {
        long ran = RUNS.get() - runsBefore;
        long sent = requests.get() - requestsBefore;
        boolean replay = params.getBenchmark().endsWith("routeReplay");
        check(replay ? ran == 0 : ran == sent, params.getBenchmark() + ": the handler ran " + ran + " times for "
                + sent + " requests");
    }

    private static void check(boolean ok, String what) {
        if (!ok) {
            throw new IllegalStateException("check failed: " + what);
        }
    }

    private HttpResponse<byte[]> post(String path, String key) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(order));
        if (key != null) {
            request.header("Idempotency-Key", key);
        }
        requests.incrementAndGet();
        HttpResponse<byte[]> response = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() != 200) {
            throw new IllegalStateException(path + ": " + response.statusCode());
        }
        return response;
    }

    @Benchmark
    public byte[] plain() throws Exception {
        return post("/plain/orders", null).body();
    }

    @Benchmark
    public byte[] filterNotARoute() throws Exception {
        return post("/filtered/orders", null).body();
    }

    @Benchmark
    public byte[] routeFirst() throws Exception {
        return post("/route/orders", "k-" + keys.incrementAndGet()).body();
    }

    @Benchmark
    public byte[] routeReplay() throws Exception {
        return post("/route/orders", "replayed-key").body();
    }

    /** The servlet on three paths; the filter covers two, with one route. */
    static final class App implements ServletContainerInitializer {
        private final IdempotencyRuntime runtime;

        App(IdempotencyRuntime runtime) {
            this.runtime = runtime;
        }

        @Override
        public void onStartup(Set<Class<?>> classes, ServletContext context) {
            FilterRegistration.Dynamic filter = context.addFilter("idempotency", IdempotencyFilter.builder()
                    .runtime(runtime).routes("POST /route/**").build());
            filter.addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), true, "/filtered/*", "/route/*");
            context.addServlet("orders", new Orders()).addMapping("/plain/*", "/filtered/*", "/route/*");
        }
    }

    /** Parses the order, prices it, signs the total, answers a receipt. */
    static final class Orders extends HttpServlet {
        @Override
        protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
            RUNS.incrementAndGet();
            JsonNode order = JSON.readTree(request.getInputStream());
            BigDecimal total = BigDecimal.ZERO;
            for (JsonNode line : order.path("lines")) {
                BigDecimal net = new BigDecimal(line.path("unitPrice").asText())
                        .multiply(BigDecimal.valueOf(line.path("quantity").asInt()));
                total = total.add(net.multiply(BigDecimal.ONE.add(new BigDecimal(line.path("vat").asText()))));
            }
            total = total.setScale(2, RoundingMode.HALF_EVEN);
            byte[] signature = total.toPlainString().getBytes(StandardCharsets.US_ASCII);
            try {
                MessageDigest sha = MessageDigest.getInstance("SHA-256");
                for (int i = 0; i < rounds; i++) {
                    signature = sha.digest(signature);
                }
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
            response.setContentType("application/json");
            response.getOutputStream().write(("{\"customer\":\"" + order.path("customer").asText() + "\",\"total\":\""
                    + total + "\",\"signature\":\"" + HexFormat.of().formatHex(signature) + "\"}")
                    .getBytes(StandardCharsets.US_ASCII));
        }
    }
}
