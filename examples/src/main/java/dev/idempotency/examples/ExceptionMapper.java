package dev.idempotency.examples;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import dev.idempotency.IdempotencyException;
import dev.idempotency.IdempotencyInProgressException;
import dev.idempotency.IdempotencyKeyException;
import dev.idempotency.IdempotencyKeyReuseException;
import dev.idempotency.IdempotencyStoreException;
import dev.idempotency.signature.SignatureException;
import java.time.Instant;

/** The one place that turns an exception into an HTTP status. */
final class ExceptionMapper {

    private ExceptionMapper() {
    }

    static int status(Throwable error) {
        if (error instanceof IdempotencyKeyException) {
            return 400; // no key, a blank key, or one longer than 255 characters
        }
        if (error instanceof IdempotencyInProgressException) {
            return 409; // the same key is running right now: retry later
        }
        if (error instanceof IdempotencyKeyReuseException) {
            return 422; // the key was used before with another payload
        }
        if (error instanceof IdempotencyStoreException) {
            return 503; // the store is down; the method did not run
        }
        if (error instanceof SignatureException e) {
            return e.refusal().httpStatus(); // 401 not accepted as signed, 400 unreadable; the method did not run
        }
        if (error instanceof IdempotencyException) {
            return 500; // e.g. a misconfigured annotation
        }
        if (error instanceof JsonProcessingException || error instanceof IllegalArgumentException) {
            return 400; // a malformed body or a request the service refused
        }
        return 500;
    }

    /**
     * The JSON error body: {@code {"status":409,"error":"IdempotencyInProgressException","message":"..."}}; for a
     * refused signature also the reason a client can act on and the server's time, by which a client refused for its
     * clock sees how far off it is: {@code {"status":401,"error":"SignatureException","message":"nonce already used:
     * a replay","reason":"NONCE_REUSED","serverTime":"..."}}.
     */
    static ErrorBody body(int status, Throwable error) {
        if (error instanceof SignatureException e) {
            return new ErrorBody(status, error.getClass().getSimpleName(), e.refusal().message(), e.reason().name(),
                    e.refusal().serverTime());
        }
        return new ErrorBody(status, error.getClass().getSimpleName(), message(error));
    }

    /**
     * What the client is told: a fixed text per refusal, with the key it sent where the refusal is about that key.
     * The exception's own message may name the store's host, user or SQL and the namespace: it is for the log only.
     */
    private static String message(Throwable error) {
        if (error instanceof IdempotencyKeyException) {
            return "the idempotency key is missing, blank, too long or holds characters a key may not hold";
        }
        if (error instanceof IdempotencyInProgressException e) {
            return "the key '" + e.getKey() + "' is in progress in another request; retry shortly";
        }
        if (error instanceof IdempotencyKeyReuseException e) {
            return "the key '" + e.getKey() + "' was used before with a different payload";
        }
        if (error instanceof IdempotencyStoreException) {
            return "duplicate requests cannot be checked right now, so the request did not run; retry shortly";
        }
        if (error instanceof JsonProcessingException) {
            return "the body is not valid JSON for this request";
        }
        if (error instanceof IllegalArgumentException && !(error instanceof IdempotencyException)) {
            return String.valueOf(error.getMessage()); // the service's own refusal, written for clients
        }
        return "internal error";
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record ErrorBody(int status, String error, String message, String reason, Instant serverTime) {

        ErrorBody(int status, String error, String message) {
            this(status, error, message, null, null);
        }
    }
}
