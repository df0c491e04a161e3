package dev.idempotency.examples;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.idempotency.core.CurrentRequest;
import dev.idempotency.signature.SignatureVerifier;
import dev.idempotency.signature.SignedRequest;
import dev.idempotency.signature.Verification;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The HTTP layer, on the JDK's own server. It holds no idempotency logic: it parses the body, calls the service and
 * writes the result as JSON; {@link ExceptionMapper} turns failures into statuses. What a web adapter owes the
 * library it does too: it binds each request as the {@link CurrentRequest}, so the {@code Idempotency-Key} is read
 * as the standard's Structured Field String and a replayed answer carries {@code Idempotent-Replayed: true}.
 *
 * <ul>
 *   <li>{@code POST /api/transfer} with an {@code Idempotency-Key} header and a {@link TransferRequest}; when started
 *       with a {@link SignatureVerifier} ({@link #startSigned}), only signed (RFC 9421) requests, verified before
 *       the service sees them: a refused one is answered 401 (400 when unreadable) with the reason and the
 *       server's time, and nothing runs</li>
 *   <li>{@code POST /api/orders} with an {@link OrderRequest}</li>
 *   <li>{@code GET /api/accounts}: the balances</li>
 * </ul>
 */
public final class ApiServer implements AutoCloseable {

    public static final String IDEMPOTENCY_KEY = "Idempotency-Key";
    public static final String REPLAYED = "Idempotent-Replayed";

    static final ObjectMapper JSON = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    private final HttpServer server;
    private final ExecutorService workers;
    private final Answers answers;

    private ApiServer(HttpServer server, ExecutorService workers, Answers answers) {
        this.server = server;
        this.workers = workers;
        this.answers = answers;
    }

    /** Starts on an ephemeral port of the loopback interface. */
    public static ApiServer start(Accounts accounts, TransferService transfers, OrderService orders) throws IOException {
        return start(0, accounts, transfers, orders);
    }

    public static ApiServer start(int port, Accounts accounts, TransferService transfers, OrderService orders)
            throws IOException {
        return start(port, accounts, transfers, orders, null);
    }

    /**
     * Starts on an ephemeral loopback port, taking on {@code POST /api/transfer} only requests this verifier
     * accepts.
     */
    public static ApiServer startSigned(SignatureVerifier transferSignatures, Accounts accounts,
            TransferService transfers, OrderService orders) throws IOException {
        return start(0, accounts, transfers, orders, Objects.requireNonNull(transferSignatures,
                "transferSignatures"));
    }

    private static ApiServer start(int port, Accounts accounts, TransferService transfers, OrderService orders,
            SignatureVerifier transferSignatures) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 128);
        Answers answers = new Answers();
        server.createContext("/api/transfer", exchange -> handle(exchange, "POST", answers, () -> {
            byte[] body = readBytes(exchange);
            if (transferSignatures != null) {
                Verification verdict = transferSignatures.verify(signedRequest(exchange, body));
                answers.verdict(verdict);
                verdict.orThrow(); // a refusal becomes its 401 (or 400) in ExceptionMapper; nothing runs
            }
            return transfers.transfer(CurrentRequest.header(IDEMPOTENCY_KEY), JSON.readValue(body,
                    TransferRequest.class));
        }));
        server.createContext("/api/orders", exchange -> handle(exchange, "POST", answers,
                () -> orders.place(JSON.readValue(readBytes(exchange), OrderRequest.class))));
        server.createContext("/api/accounts", exchange -> handle(exchange, "GET", null, accounts::snapshot));
        // a pool, so that concurrent requests really run concurrently (the default runs one at a time)
        AtomicInteger threads = new AtomicInteger();
        ExecutorService workers = Executors.newFixedThreadPool(32, r -> {
            Thread t = new Thread(r, "http-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(workers);
        server.start();
        return new ApiServer(server, workers, answers);
    }

    /**
     * How many answers of each status the two idempotent endpoints gave, counted as they were written: an answer
     * lost on the way to the client is counted too.
     */
    public SortedMap<Integer, Integer> statusCounts() {
        return answers.statuses();
    }

    /** Signed transfers the verifier accepted. */
    public int signaturesVerified() {
        return answers.verified.get();
    }

    /** Signed transfers the verifier refused, by reason. */
    public SortedMap<Verification.Reason, Integer> signatureRefusals() {
        SortedMap<Verification.Reason, Integer> counts = new TreeMap<>();
        answers.refusals.forEach((reason, n) -> counts.put(reason, n.get()));
        return counts;
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

    /** The answers of the idempotent endpoints, counted for the demo's report. */
    private static final class Answers {
        private final Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
        private final AtomicInteger verified = new AtomicInteger();
        private final Map<Verification.Reason, AtomicInteger> refusals = new ConcurrentHashMap<>();

        void status(int status) {
            statuses.computeIfAbsent(status, s -> new AtomicInteger()).incrementAndGet();
        }

        void verdict(Verification verdict) {
            if (verdict instanceof Verification.Refused refused) {
                refusals.computeIfAbsent(refused.reason(), r -> new AtomicInteger()).incrementAndGet();
            } else {
                verified.incrementAndGet();
            }
        }

        SortedMap<Integer, Integer> statuses() {
            SortedMap<Integer, Integer> counts = new TreeMap<>();
            statuses.forEach((status, n) -> counts.put(status, n.get()));
            return counts;
        }
    }

    @FunctionalInterface
    private interface Action {
        Object run() throws Exception;
    }

    /** The request as the library's calls see it; the flag the engine raises on a replay; where answers count. */
    private static final class ExchangeView implements CurrentRequest.Request {
        private final HttpExchange exchange;
        private final Answers answers;
        private volatile boolean replayed;

        ExchangeView(HttpExchange exchange, Answers answers) {
            this.exchange = exchange;
            this.answers = answers;
        }

        @Override
        public List<String> headers(String name) {
            List<String> values = exchange.getRequestHeaders().get(name);
            return values == null ? List.of() : values;
        }

        @Override
        public String principal() {
            return null;
        }

        @Override
        public void replayed() {
            replayed = true;
        }
    }

    private static void handle(HttpExchange exchange, String method, Answers answers, Action action)
            throws IOException {
        ExchangeView view = new ExchangeView(exchange, answers);
        try (CurrentRequest.Binding binding = CurrentRequest.bind(view)) {
            answer(exchange, method, view, action);
        } finally {
            exchange.close();
        }
    }

    /** Runs the action and writes its answer. */
    private static void answer(HttpExchange exchange, String method, ExchangeView view, Action action)
            throws IOException {
        if (!method.equals(exchange.getRequestMethod())) {
            exchange.getResponseHeaders().set("Allow", method);
            write(exchange, view, 405, new ExceptionMapper.ErrorBody(405, "MethodNotAllowed",
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
            write(exchange, view, status, ExceptionMapper.body(status, e));
            return;
        }
        if (view.replayed) {
            exchange.getResponseHeaders().set(REPLAYED, "true");
        }
        write(exchange, view, 200, result);
    }

    /**
     * The request as its client signed it: the target URI rebuilt from {@code Host} and the request target exactly
     * as received, so a request signed for a proxy's address that forwards it unchanged verifies here too.
     */
    private static SignedRequest signedRequest(HttpExchange exchange, byte[] body) {
        String host = exchange.getRequestHeaders().getFirst("Host");
        URI target = URI.create("http://" + (host != null ? host : exchange.getLocalAddress().getHostString() + ":"
                + exchange.getLocalAddress().getPort()) + exchange.getRequestURI());
        return SignedRequest.of(exchange.getRequestMethod(), target, exchange.getRequestHeaders(), body);
    }

    private static byte[] readBytes(HttpExchange exchange) throws IOException {
        try (InputStream in = exchange.getRequestBody()) {
            return in.readAllBytes();
        }
    }

    /** Counts the answer before writing it, so a client that has its answer never finds the count behind. */
    private static void write(HttpExchange exchange, ExchangeView view, int status, Object body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        if (view.answers != null) {
            view.answers.status(status);
        }
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
