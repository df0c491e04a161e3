package dev.idempotency.examples;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The HTTP layer, on the JDK's own server. It holds no idempotency code: it parses the body, calls the service and
 * writes the result as JSON; {@link ExceptionMapper} turns failures into statuses.
 *
 * <ul>
 *   <li>{@code POST /api/transfer} with an {@code Idempotency-Key} header and a {@link TransferRequest}</li>
 *   <li>{@code POST /api/orders} with an {@link OrderRequest}</li>
 *   <li>{@code GET /api/accounts}: the balances</li>
 * </ul>
 */
public final class ApiServer implements AutoCloseable {

    public static final String IDEMPOTENCY_KEY = "Idempotency-Key";

    static final ObjectMapper JSON = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    private final HttpServer server;
    private final ExecutorService workers;

    private ApiServer(HttpServer server, ExecutorService workers) {
        this.server = server;
        this.workers = workers;
    }

    /** Starts on an ephemeral port of the loopback interface. */
    public static ApiServer start(Accounts accounts, TransferService transfers, OrderService orders) throws IOException {
        return start(0, accounts, transfers, orders);
    }

    public static ApiServer start(int port, Accounts accounts, TransferService transfers, OrderService orders)
            throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 128);
        server.createContext("/api/transfer", exchange -> handle(exchange, "POST", () -> transfers.transfer(
                exchange.getRequestHeaders().getFirst(IDEMPOTENCY_KEY), read(exchange, TransferRequest.class))));
        server.createContext("/api/orders", exchange -> handle(exchange, "POST",
                () -> orders.place(read(exchange, OrderRequest.class))));
        server.createContext("/api/accounts", exchange -> handle(exchange, "GET", accounts::snapshot));
        // a pool, so that concurrent requests really run concurrently (the default runs one at a time)
        AtomicInteger threads = new AtomicInteger();
        ExecutorService workers = Executors.newFixedThreadPool(32, r -> {
            Thread t = new Thread(r, "http-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(workers);
        server.start();
        return new ApiServer(server, workers);
    }

    /** E.g. {@code http://127.0.0.1:54321}. */
    public URI baseUri() {
        InetSocketAddress address = server.getAddress();
        return URI.create("http://" + address.getAddress().getHostAddress() + ":" + address.getPort());
    }

    @Override
    public void close() {
        server.stop(0);
        workers.shutdownNow();
    }

    @FunctionalInterface
    private interface Action {
        Object run() throws Exception;
    }

    private static void handle(HttpExchange exchange, String method, Action action) throws IOException {
        try {
            if (!method.equals(exchange.getRequestMethod())) {
                exchange.getResponseHeaders().set("Allow", method);
                write(exchange, 405, new ExceptionMapper.ErrorBody(405, "MethodNotAllowed",
                        "use " + method + " " + exchange.getRequestURI().getPath()));
                return;
            }
            Object result;
            try {
                result = action.run();
            } catch (Exception e) {
                int status = ExceptionMapper.status(e);
                if (status >= 500) {
                    // the full message is for operators only; the client gets ExceptionMapper's fixed text
                    System.getLogger(ApiServer.class.getName()).log(System.Logger.Level.ERROR,
                            "request failed with " + status, e);
                }
                if (status == 409 || status == 503) {
                    exchange.getResponseHeaders().set("Retry-After", "1");
                }
                write(exchange, status, ExceptionMapper.body(status, e));
                return;
            }
            write(exchange, 200, result);
        } finally {
            exchange.close();
        }
    }

    private static <T> T read(HttpExchange exchange, Class<T> type) throws IOException {
        try (InputStream in = exchange.getRequestBody()) {
            return JSON.readValue(in, type);
        }
    }

    private static void write(HttpExchange exchange, int status, Object body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
