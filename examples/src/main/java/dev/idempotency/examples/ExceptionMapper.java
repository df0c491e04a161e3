package dev.idempotency.examples;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.idempotency.IdempotencyException;
import dev.idempotency.IdempotencyInProgressException;
import dev.idempotency.IdempotencyKeyException;
import dev.idempotency.IdempotencyKeyReuseException;
import dev.idempotency.IdempotencyStoreException;

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
        if (error instanceof IdempotencyException) {
            return 500; // e.g. a misconfigured annotation
        }
        if (error instanceof JsonProcessingException || error instanceof IllegalArgumentException) {
            return 400; // a malformed body or a request the service refused
        }
        return 500;
    }

    /** The JSON error body: {@code {"status":409,"error":"IdempotencyInProgressException","message":"..."}}. */
    static ErrorBody body(int status, Throwable error) {
        String message = status == 500 && !(error instanceof IdempotencyException)
                ? "internal error" : String.valueOf(error.getMessage());
        return new ErrorBody(status, error.getClass().getSimpleName(), message);
    }

    record ErrorBody(int status, String error, String message) {
    }
}
