package dev.idempotency.examples;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import dev.idempotency.signature.RequestSigner;
import dev.idempotency.signature.SignedRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small client of {@link ApiServer} on the JDK's HttpClient; it counts the requests it sends and their statuses. It
 * sends each request once: {@code IdempotentHttpClient} is the one that retries. Given a {@link RequestSigner}, it
 * signs its transfers the way any client can: {@code signer.sign(SignedRequest.of(...))} over the exact bytes it
 * sends, then the fields it returns as headers.
 */
public final class ApiClient {

    /** One answer: its status and its JSON body. */
    public record Response(int status, String body) {
    }

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final URI base;
    private final RequestSigner signer;
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(TIMEOUT)
            .build();
    private final AtomicInteger sent = new AtomicInteger();
    private final Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();

    public ApiClient(URI base) {
        this(base, null);
    }

    /** A client that signs its transfers with {@code signer}; null signs nothing. */
    public ApiClient(URI base, RequestSigner signer) {
        this.base = base;
        this.signer = signer;
    }

    /** {@code POST /api/transfer}; a null key sends no {@code Idempotency-Key} header. */
    public Response transfer(String idempotencyKey, TransferRequest request) {
        byte[] body = json(request);
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/json");
        if (idempotencyKey != null) {
            headers.put(ApiServer.IDEMPOTENCY_KEY, idempotencyKey);
        }
        URI uri = base.resolve("/api/transfer");
        if (signer != null) {
            Map<String, List<String>> signed = new LinkedHashMap<>();
            headers.forEach((name, value) -> signed.put(name, List.of(value)));
            headers.putAll(signer.sign(SignedRequest.of("POST", uri, signed, body)));
        }
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(TIMEOUT)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach(b::header);
        return send(b.build());
    }

    /** {@code POST /api/orders}. */
    public Response order(OrderRequest order) {
        return send(post("/api/orders", order).build());
    }

    /** {@code GET /api/accounts}, not counted in the statistics. */
    public Map<String, Long> balances() {
        HttpRequest request = HttpRequest.newBuilder(base.resolve("/api/accounts")).timeout(TIMEOUT).GET().build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("GET /api/accounts answered " + response.statusCode());
            }
            return ApiServer.JSON.readValue(response.body(), new TypeReference<TreeMap<String, Long>>() { });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * Runs the same request from {@code threads} threads released at the same instant, and returns every answer.
     */
    public List<Response> concurrently(int threads, Callable<Response> request) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "client");
            t.setDaemon(true);
            return t;
        });
        try {
            CountDownLatch ready = new CountDownLatch(threads);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Response>> futures = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                futures.add(pool.submit(() -> {
                    ready.countDown();
                    go.await();
                    return request.call();
                }));
            }
            if (!ready.await(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("client threads did not start");
            }
            go.countDown();
            List<Response> responses = new ArrayList<>();
            for (Future<Response> f : futures) {
                responses.add(f.get(20, TimeUnit.SECONDS));
            }
            return responses;
        } finally {
            pool.shutdownNow();
        }
    }

    /** Requests sent through {@link #transfer} and {@link #order}. */
    public int requestsSent() {
        return sent.get();
    }

    /** How many of those answered each status. */
    public SortedMap<Integer, Integer> statusCounts() {
        SortedMap<Integer, Integer> counts = new TreeMap<>();
        statuses.forEach((status, n) -> counts.put(status, n.get()));
        return counts;
    }

    public int count(int status) {
        AtomicInteger n = statuses.get(status);
        return n == null ? 0 : n.get();
    }

    private HttpRequest.Builder post(String path, Object body) {
        return HttpRequest.newBuilder(base.resolve(path))
                .timeout(TIMEOUT)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(json(body)));
    }

    private static byte[] json(Object body) {
        try {
            return ApiServer.JSON.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private Response send(HttpRequest request) {
        sent.incrementAndGet();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            statuses.computeIfAbsent(response.statusCode(), s -> new AtomicInteger()).incrementAndGet();
            return new Response(response.statusCode(), response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(request.method() + " " + request.uri() + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
