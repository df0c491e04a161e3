package dev.idempotency.client;

import dev.idempotency.IdempotencyKeys;
import dev.idempotency.signature.RequestSigner;
import dev.idempotency.signature.SignedRequest;
import dev.idempotency.support.FieldNames;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * A client that retries safely. Each request gets one {@code Idempotency-Key} (unless it carries one already), sent
 * as a Structured Field String and kept on every retry, so the server runs the request once however many attempts
 * reach it. It retries only what is safe and worth retrying — a failed connection, a timeout, a lost response, and
 * the answers 409 (the first attempt still running), 429, 502, 503 and 504 — with exponential backoff and full
 * jitter, honouring {@code Retry-After}, within a retry budget. It never retries any other answer: a 400, 401 or 422
 * will not change by asking again.
 *
 * <pre>{@code
 * IdempotentHttpClient client = IdempotentHttpClient.builder().build();
 * IdempotentHttpClient.Result<String> result = client.send(
 *         HttpRequest.newBuilder(URI.create("https://pay.example/transfers"))
 *                 .POST(HttpRequest.BodyPublishers.ofString(json)).header("Content-Type", "application/json").build(),
 *         HttpResponse.BodyHandlers.ofString());
 * result.response().statusCode();   // the last answer
 * result.attempts();                // how many were sent
 * result.replayed();                // the server answered from its record (Idempotent-Replayed: true)
 * }</pre>
 *
 * <p>A request body is sent again on each attempt: use a publisher that can be read more than once (the
 * {@code BodyPublishers} of strings, byte arrays and files can).
 *
 * <p>With a {@link Builder#signer signer} ({@code HttpMessageSigner} for RFC 9421, {@code LegacyScheme.signer} for
 * Timestamp + Sign), the body is read once, and every attempt carries those bytes, the same key and a fresh
 * signature: a new {@code created}, a new nonce. A retry is then a new signed request that the server's replay check
 * lets through, while its idempotency check still runs the operation once. A refused signature (400, 401) is not
 * retried.
 *
 * <p>To retry safely across a restart of the caller, keep the key: store it with the operation before the first send
 * and put it on the request yourself. A request that already carries the header is sent with it unchanged (quoted
 * as a Structured Field String or plain), and the client makes no key of its own:
 *
 * <pre>{@code
 * // made once with IdempotencyKeys.uuidV7() and stored with the transfer before its first send
 * String key = transfers.idempotencyKey(transferId);
 * IdempotentHttpClient client = IdempotentHttpClient.builder()
 *         .maxAttempts(4)
 *         .backoff(Duration.ofMillis(200), Duration.ofSeconds(2))
 *         .retryBudget(Duration.ofSeconds(10))
 *         .signer(HttpMessageSigner.builder(SigningKey.hmacSha256("client-1", secret)).build())   // optional
 *         .build();
 * HttpRequest request = HttpRequest.newBuilder(URI.create("https://pay.example/transfers"))
 *         .header("Idempotency-Key", "\"" + key + "\"")   // the same key on every send, even after a restart
 *         .header("Content-Type", "application/json")
 *         .POST(HttpRequest.BodyPublishers.ofString(json))
 *         .build();
 * IdempotentHttpClient.Result<String> result = client.send(request, HttpResponse.BodyHandlers.ofString());
 * }</pre>
 *
 * <p>A client is immutable and thread-safe (share one), provided its key supplier, signer, sleeper and clock are.
 */
public final class IdempotentHttpClient {

    /** What a retry is waiting for: the server's {@code Retry-After}, or the backoff. Replaceable in tests. */
    @FunctionalInterface
    public interface Sleeper {
        /**
         * Waits before the next attempt.
         *
         * @param duration how long to wait; zero or more
         * @throws InterruptedException if the waiting thread is interrupted; {@link #send} then throws it on
         */
        void sleep(Duration duration) throws InterruptedException;
    }

    /**
     * The outcome of a request, after its retries.
     *
     * @param <T> the type of the response body
     * @param response the last answer the server gave
     * @param attempts how many attempts were sent, the first included (1 when it was not retried)
     * @param replayed whether the server answered from its record of an earlier attempt (the last answer carried
     *        {@code Idempotent-Replayed: true})
     * @param key the idempotency key every attempt carried, without Structured Field quotes
     */
    public record Result<T>(HttpResponse<T> response, int attempts, boolean replayed, String key) {
    }

    private final HttpClient http;
    private final Supplier<String> keys;
    private final String header;
    private final int maxAttempts;
    private final Duration initialBackoff;
    private final Duration maxBackoff;
    private final Duration budget;
    private final Sleeper sleeper;
    private final Clock clock;
    private final RequestSigner signer;

    private IdempotentHttpClient(Builder b) {
        this.http = b.http != null ? b.http : HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        this.keys = b.keys;
        this.header = b.header;
        this.maxAttempts = b.maxAttempts;
        this.initialBackoff = b.initialBackoff;
        this.maxBackoff = b.maxBackoff;
        this.budget = b.budget;
        this.sleeper = b.sleeper;
        this.clock = b.clock;
        this.signer = b.signer;
    }

    /**
     * Starts a client.
     *
     * @return a builder with the defaults: a new {@link HttpClient} with a 5 s connect timeout, UUIDv7 keys in
     *         {@code Idempotency-Key}, 5 attempts, backoff from 100 ms up to 5 s, a 30 s retry budget, no signer
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Sends the request, retrying as the class comment says, and returns the last answer, whatever its status. The
     * calling thread sleeps between attempts (through the {@link Builder#sleeper sleeper}).
     *
     * @param <T> the type of the response body
     * @param request the request; if it carries the key header already, that key is used on every attempt
     * @param handler how each answer's body is read
     * @return the last answer, with the number of attempts, whether it was replayed and the key
     * @throws IOException when no attempt got an answer (the last failure is its cause, and the message names the
     *         key), when a TLS failure ({@link javax.net.ssl.SSLException}) made retrying pointless, or when the body
     *         could not be read for signing
     * @throws InterruptedException if the thread is interrupted while sending or waiting
     * @throws IllegalArgumentException if the key supplier made a key that is not 1 to 255 printable ASCII characters
     *         without {@code "} or {@code \}, or the signer cannot sign the request
     */
    public <T> Result<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler)
            throws IOException, InterruptedException {
        String key = keyOf(request);
        HttpRequest keyed = stamp(request, key);
        byte[] body = signer == null ? null : bodyOf(keyed);
        long deadline = clock.millis() + budget.toMillis();
        IOException lastError = null;
        HttpResponse<T> last = null;
        for (int attempt = 1; ; attempt++) {
            try {
                last = http.send(signed(keyed, body), handler);
                lastError = null;
            } catch (IOException e) {
                if (!retriable(e)) {
                    throw e;
                }
                lastError = e;
                last = null;
            }
            Duration wait = last == null ? backoff(attempt) : waitBefore(last, attempt);
            if (wait == null || attempt >= maxAttempts || clock.millis() + wait.toMillis() > deadline) {
                if (last != null) {
                    return new Result<>(last, attempt, replayed(last), key);
                }
                throw new IOException("no answer after " + attempt + " attempt" + (attempt == 1 ? "" : "s")
                        + " with " + header + " " + key + ": " + lastError.getMessage(), lastError);
            }
            sleeper.sleep(wait);
        }
    }

    /**
     * {@link #send} without blocking the caller: attempts and waits are scheduled (on
     * {@link CompletableFuture#delayedExecutor}), not slept; the {@link Builder#sleeper sleeper} is not used.
     *
     * @param <T> the type of the response body
     * @param request the request; if it carries the key header already, that key is used on every attempt
     * @param handler how each answer's body is read
     * @return a future of the last answer; it fails, rather than this method throwing, with the exceptions
     *         {@link #send} throws
     */
    public <T> CompletableFuture<Result<T>> sendAsync(HttpRequest request, HttpResponse.BodyHandler<T> handler) {
        String key;
        HttpRequest keyed;
        byte[] body;
        try {
            key = keyOf(request);
            keyed = stamp(request, key);
            body = signer == null ? null : bodyOf(keyed);
        } catch (RuntimeException | IOException e) {
            return CompletableFuture.failedFuture(e);
        }
        return attemptAsync(keyed, body, handler, key, 1, clock.millis() + budget.toMillis());
    }

    private <T> CompletableFuture<Result<T>> attemptAsync(HttpRequest request, byte[] body,
                                                         HttpResponse.BodyHandler<T> handler,
                                                         String key, int attempt, long deadline) {
        HttpRequest signed;
        try {
            signed = signed(request, body);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        return http.sendAsync(signed, handler).handle((response, error) -> {
            Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
            if (cause != null && !(cause instanceof IOException io && retriable(io))) {
                return CompletableFuture.<Result<T>>failedFuture(cause);
            }
            Duration wait = response == null ? backoff(attempt) : waitBefore(response, attempt);
            if (wait == null || attempt >= maxAttempts || clock.millis() + wait.toMillis() > deadline) {
                if (response != null) {
                    return CompletableFuture.completedFuture(new Result<>(response, attempt, replayed(response), key));
                }
                return CompletableFuture.<Result<T>>failedFuture(new IOException("no answer after " + attempt
                        + " attempts with " + header + " " + key + ": " + cause.getMessage(), cause));
            }
            Executor later = CompletableFuture.delayedExecutor(wait.toMillis(), TimeUnit.MILLISECONDS);
            return CompletableFuture.supplyAsync(() -> null, later)
                    .thenCompose(ignored -> attemptAsync(request, body, handler, key, attempt + 1, deadline));
        }).thenCompose(f -> f);
    }

    private String keyOf(HttpRequest request) {
        Optional<String> given = request.headers().firstValue(header);
        if (given.isPresent()) {
            String value = given.get().trim();
            return value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")
                    ? value.substring(1, value.length() - 1) : value;
        }
        String key = keys.get();
        if (key == null || key.isEmpty() || key.length() > 255
                || !key.chars().allMatch(c -> c >= 0x20 && c <= 0x7E && c != '"' && c != '\\')) {
            throw new IllegalArgumentException("the key strategy made " + (key == null ? "null" : "'" + key + "'")
                    + ", which is not 1-255 printable ASCII characters without \" or \\");
        }
        return key;
    }

    private HttpRequest stamp(HttpRequest request, String key) {
        if (request.headers().firstValue(header).isPresent()) {
            return request;
        }
        return HttpRequest.newBuilder(request, (name, value) -> true).header(header, "\"" + key + "\"").build();
    }

    /**
     * This attempt of the request: as it is without a signer; with one, carrying the body bytes read once and a
     * fresh signature (the signer sets its fields, replacing any of the same name).
     */
    private HttpRequest signed(HttpRequest keyed, byte[] body) {
        if (signer == null) {
            return keyed;
        }
        Map<String, String> fields = signer.sign(SignedRequest.of(keyed.method(), keyed.uri(), keyed.headers().map(),
                body));
        HttpRequest.Builder b = HttpRequest.newBuilder(keyed, (name, value) -> fields.keySet().stream()
                        .noneMatch(name::equalsIgnoreCase))
                .method(keyed.method(), body.length == 0 ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body));
        fields.forEach(b::setHeader);
        return b.build();
    }

    /** The request's body, read once so that it can be digested and signed (and then sent as these bytes). */
    private static byte[] bodyOf(HttpRequest request) throws IOException {
        Optional<HttpRequest.BodyPublisher> publisher = request.bodyPublisher();
        if (publisher.isEmpty() || publisher.get().contentLength() == 0) {
            return new byte[0];
        }
        CompletableFuture<byte[]> bytes = new CompletableFuture<>();
        publisher.get().subscribe(new Flow.Subscriber<ByteBuffer>() {
            private final ByteArrayOutputStream out = new ByteArrayOutputStream();

            @Override
            public void onSubscribe(Flow.Subscription subscription) {
                subscription.request(Long.MAX_VALUE);
            }

            @Override
            public void onNext(ByteBuffer item) {
                byte[] chunk = new byte[item.remaining()];
                item.get(chunk);
                out.write(chunk, 0, chunk.length);
            }

            @Override
            public void onError(Throwable throwable) {
                bytes.completeExceptionally(throwable);
            }

            @Override
            public void onComplete() {
                bytes.complete(out.toByteArray());
            }
        });
        try {
            return bytes.get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new IOException("the request body could not be read for signing", e.getCause());
        } catch (TimeoutException e) {
            throw new IOException("the request body was not read within 30 s for signing", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while reading the request body for signing", e);
        }
    }

    /**
     * A refused or lost connection, a timeout, a response cut off: the request may or may not have run, and the key
     * makes asking again safe. A TLS failure (a certificate the client does not trust) will not heal by retrying.
     */
    private static boolean retriable(IOException e) {
        return !(e instanceof javax.net.ssl.SSLException);
    }

    /** How long to wait before retrying this answer, or null when it must not be retried. */
    private Duration waitBefore(HttpResponse<?> response, int attempt) {
        int status = response.statusCode();
        if (status != 409 && status != 429 && status != 502 && status != 503 && status != 504) {
            return null;
        }
        Duration retryAfter = retryAfter(response);
        return retryAfter != null ? retryAfter : backoff(attempt);
    }

    /** Full jitter: a random wait between zero and the exponential ceiling, at most {@code maxBackoff}. */
    private Duration backoff(int attempt) {
        long ceiling = initialBackoff.toMillis() << Math.min(attempt - 1, 30);
        ceiling = Math.min(Math.max(ceiling, 1), maxBackoff.toMillis());
        return Duration.ofMillis(ThreadLocalRandom.current().nextLong(ceiling + 1));
    }

    private Duration retryAfter(HttpResponse<?> response) {
        Optional<String> value = response.headers().firstValue("Retry-After");
        if (value.isEmpty()) {
            return null;
        }
        String v = value.get().trim();
        if (!v.isEmpty() && v.chars().allMatch(Character::isDigit) && v.length() < 10) {
            return Duration.ofSeconds(Long.parseLong(v));
        }
        try {
            long millis = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant().toEpochMilli()
                    - clock.millis();
            return Duration.ofMillis(Math.max(0, millis));
        } catch (DateTimeParseException e) {
            return null; // unreadable: fall back to the backoff
        }
    }

    private static boolean replayed(HttpResponse<?> response) {
        return response.headers().firstValue("Idempotent-Replayed").map(v -> v.trim().toLowerCase(Locale.ROOT))
                .filter("true"::equals).isPresent();
    }

    /** Settings, each checked when given. */
    public static final class Builder {
        private HttpClient http;
        private Supplier<String> keys = IdempotencyKeys::uuidV7;
        private String header = "Idempotency-Key";
        private int maxAttempts = 5;
        private Duration initialBackoff = Duration.ofMillis(100);
        private Duration maxBackoff = Duration.ofSeconds(5);
        private Duration budget = Duration.ofSeconds(30);
        private Sleeper sleeper = d -> TimeUnit.MILLISECONDS.sleep(d.toMillis());
        private Clock clock = Clock.systemUTC();
        private RequestSigner signer;

        private Builder() {
        }

        /**
         * The client to send with; its own timeouts, proxy and TLS settings apply to each attempt.
         *
         * @param http the client; default: a new one with a 5 s connect timeout
         * @return this builder
         * @throws NullPointerException if {@code http} is null
         */
        public Builder httpClient(HttpClient http) {
            this.http = Objects.requireNonNull(http, "http");
            return this;
        }

        /**
         * How keys are made for requests that carry none; called once per request, not per attempt, and concurrently
         * when the client is shared.
         *
         * @param keys the key supplier; each key must be 1 to 255 printable ASCII characters without {@code "} or
         *        {@code \}; default {@link IdempotencyKeys#uuidV7()}
         * @return this builder
         * @throws NullPointerException if {@code keys} is null
         */
        public Builder keys(Supplier<String> keys) {
            this.keys = Objects.requireNonNull(keys, "keys");
            return this;
        }

        /**
         * The header the key travels in.
         *
         * @param header a header name (an HTTP token); default {@code Idempotency-Key}
         * @return this builder
         * @throws IllegalArgumentException if {@code header} is not a header name
         */
        public Builder header(String header) {
            if (!FieldNames.isToken(header)) {
                throw new IllegalArgumentException("not a header name: " + header);
            }
            this.header = header;
            return this;
        }

        /**
         * Attempts in all, the first included.
         *
         * @param maxAttempts 1 or more (1 sends once, never retrying); default 5
         * @return this builder
         * @throws IllegalArgumentException if {@code maxAttempts} is less than 1
         */
        public Builder maxAttempts(int maxAttempts) {
            if (maxAttempts < 1) {
                throw new IllegalArgumentException("maxAttempts must be at least 1, but was " + maxAttempts);
            }
            this.maxAttempts = maxAttempts;
            return this;
        }

        /**
         * The backoff when the server gives no {@code Retry-After}: before retry {@code n} a random wait between zero
         * and {@code initial * 2^(n-1)}, at most {@code max} (full jitter). Millisecond precision.
         *
         * @param initial the first ceiling; positive; default 100 ms
         * @param max the largest ceiling; at least {@code initial}; default 5 s
         * @return this builder
         * @throws IllegalArgumentException unless {@code 0 < initial <= max}
         */
        public Builder backoff(Duration initial, Duration max) {
            if (initial == null || max == null || initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
                throw new IllegalArgumentException("backoff needs 0 < initial <= max, but was " + initial + ", " + max);
            }
            this.initialBackoff = initial;
            this.maxBackoff = max;
            return this;
        }

        /**
         * The time all attempts and waits of one request may take; a retry that would end later is not made (the
         * last answer is returned). Default 30 s.
         *
         * @param budget zero or more; counted from the first attempt
         * @return this builder
         * @throws IllegalArgumentException if {@code budget} is null or negative
         */
        public Builder retryBudget(Duration budget) {
            if (budget == null || budget.isNegative()) {
                throw new IllegalArgumentException("retryBudget must not be negative, but was " + budget);
            }
            this.budget = budget;
            return this;
        }

        /**
         * How waits are made (synchronous sends); tests record them instead of sleeping.
         *
         * @param sleeper the sleeper; default {@link TimeUnit#sleep} on the calling thread
         * @return this builder
         * @throws NullPointerException if {@code sleeper} is null
         */
        public Builder sleeper(Sleeper sleeper) {
            this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
            return this;
        }

        /**
         * The clock for the budget and for {@code Retry-After} dates.
         *
         * @param clock the clock; default {@link Clock#systemUTC()}
         * @return this builder
         * @throws NullPointerException if {@code clock} is null
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Signs every attempt afresh: {@code HttpMessageSigner.builder(SigningKey.hmacSha256("client-1", secret))
         * .build()} for RFC 9421, or {@code LegacyScheme.hmacSha256("client-1").build().signer(key, clock)} for the
         * Timestamp + Sign scheme. Default: no signing. With a signer the body is read into memory once per request.
         *
         * @param signer the signer, called once per attempt
         * @return this builder
         * @throws NullPointerException if {@code signer} is null
         */
        public Builder signer(RequestSigner signer) {
            this.signer = Objects.requireNonNull(signer, "signer");
            return this;
        }

        /**
         * The client with these settings.
         *
         * @return a new immutable client
         */
        public IdempotentHttpClient build() {
            return new IdempotentHttpClient(this);
        }
    }
}
