package dev.idempotency.servlet;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import dev.idempotency.IdempotencyException;
import dev.idempotency.IdempotencyInProgressException;
import dev.idempotency.IdempotencyKeyException;
import dev.idempotency.IdempotencyKeyReuseException;
import dev.idempotency.IdempotencyStoreException;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;

/**
 * A refusal as HTTP answers it: status, {@code Retry-After} and an RFC 9457 problem. The {@code detail} is a fixed
 * text written for the client; the exception's message, which names keys, hosts and SQL, never reaches it.
 */
enum Refusal {
    BAD_KEY(400, "Bad Request", 0, "The request's idempotency key is missing, sent more than once or malformed"
            + " (send exactly one key of printable ASCII, at most 255 characters). The request was not processed."),
    IN_PROGRESS(409, "Conflict", IdempotencyFilter.IN_PROGRESS_RETRY_AFTER_SECONDS, "A request with the same"
            + " idempotency key is still being processed. This request was not processed; retry it with the same key"
            + " after the time given in Retry-After to get the first request's result."),
    KEY_REUSE(422, "Unprocessable Content", 0, "The idempotency key was already used for a request with a different"
            + " payload. This request was not processed; use a new key for a new request."),
    STORE_UNAVAILABLE(503, "Service Unavailable", IdempotencyFilter.UNAVAILABLE_RETRY_AFTER_SECONDS, "The service"
            + " cannot check idempotency keys at the moment. The request was not processed; retry it with the same key"
            + " after the time given in Retry-After."),
    /** Not an exception: route mode answers it itself, before it reads more of the body than it would record. */
    TOO_LARGE(413, "Content Too Large", 0, "The request's body is larger than the service accepts for requests"
            + " with an idempotency key. The request was not processed.");

    static final String CONTENT_TYPE = "application/problem+json";

    /** Only ASCII goes out, so the body reads the same whatever charset a container puts on the response. */
    private static final JsonFactory JSON = JsonFactory.builder().enable(JsonWriteFeature.ESCAPE_NON_ASCII).build();

    final int status;
    final String title;
    /** 0: no {@code Retry-After}. */
    final int retryAfterSeconds;
    final String detail;

    Refusal(int status, String title, int retryAfterSeconds, String detail) {
        this.status = status;
        this.title = title;
        this.retryAfterSeconds = retryAfterSeconds;
        this.detail = detail;
    }

    /**
     * The library's exception behind a failure, looked for along its causes (containers and frameworks wrap it, in
     * {@code ServletException} and their own types); {@code null} when there is none. The first one found decides:
     * a configuration error (a bug, not a refusal) is not mapped even if a refusal lies deeper.
     */
    static IdempotencyException find(Throwable failure) {
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Throwable t = failure; t != null && seen.add(t); t = t.getCause()) {
            if (t instanceof IdempotencyException e) {
                return e;
            }
        }
        return null;
    }

    /** The refusal for one of the library's exceptions, or {@code null} when it is not a refusal (a bug). */
    static Refusal of(IdempotencyException e) {
        if (e instanceof IdempotencyKeyException) {
            return BAD_KEY;
        }
        if (e instanceof IdempotencyInProgressException) {
            return IN_PROGRESS;
        }
        if (e instanceof IdempotencyKeyReuseException) {
            return KEY_REUSE;
        }
        if (e instanceof IdempotencyStoreException) {
            return STORE_UNAVAILABLE;
        }
        return null;
    }

    /** The problem document, in ASCII: {@code namespace} is left out when the refusal came before a method had one. */
    byte[] body(String namespace) {
        return body(title, status, detail, namespace);
    }

    static byte[] body(String title, int status, String detail, String namespace) {
        return body(title, status, detail, namespace, Map.of());
    }

    /** The problem document with more members after the standard ones (e.g. a signature refusal's reason). */
    static byte[] body(String title, int status, String detail, String namespace, Map<String, String> more) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(512);
        try (JsonGenerator json = JSON.createGenerator(out)) {
            json.writeStartObject();
            json.writeStringField("type", "about:blank");
            json.writeStringField("title", title);
            json.writeNumberField("status", status);
            json.writeStringField("detail", detail);
            if (namespace != null) {
                json.writeStringField("namespace", namespace);
            }
            for (Map.Entry<String, String> member : more.entrySet()) {
                json.writeStringField(member.getKey(), member.getValue());
            }
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a byte array does not fail
        }
        return out.toByteArray();
    }

    /**
     * Answers with a problem document a request that the application has not seen (its response untouched): the
     * filter's own refusals before the chain, a body too large, a signature refused.
     */
    static void send(HttpServletResponse response, int status, byte[] problem) throws IOException {
        response.resetBuffer();
        response.setStatus(status);
        response.setContentType(CONTENT_TYPE);
        response.setContentLength(problem.length);
        response.getOutputStream().write(problem);
    }
}
