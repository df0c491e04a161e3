package dev.idempotency.examples.springboot;

import dev.idempotency.IdempotencyConfigurationException;
import dev.idempotency.IdempotencyException;
import dev.idempotency.IdempotencyInProgressException;
import dev.idempotency.IdempotencyKeyException;
import dev.idempotency.IdempotencyKeyReuseException;
import dev.idempotency.IdempotencyStoreException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * The one place that turns the library's refusals into HTTP statuses, as RFC 9457 problem details. The exceptions are
 * thrown by the agent's runtime and caught here as the very classes this application compiled against.
 */
@RestControllerAdvice
public class IdempotencyExceptionHandler {

    @ExceptionHandler(IdempotencyException.class)
    public ResponseEntity<ProblemDetail> idempotency(IdempotencyException error) {
        HttpStatus status = status(error);
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, error.getMessage());
        problem.setTitle(error.getClass().getSimpleName());
        problem.setProperty("namespace", error.getNamespace());
        problem.setProperty("key", error.getKey());
        ResponseEntity.BodyBuilder response = ResponseEntity.status(status);
        if (status == HttpStatus.CONFLICT) {
            response.header(HttpHeaders.RETRY_AFTER, "1"); // the first call is still running: retry shortly
        }
        return response.body(problem);
    }

    /** A request the service refused (unknown account, insufficient funds, …). */
    @ExceptionHandler(IllegalArgumentException.class)
    public ProblemDetail badRequest(IllegalArgumentException error) {
        return ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, error.getMessage());
    }

    static HttpStatus status(IdempotencyException error) {
        if (error instanceof IdempotencyKeyException) {
            return HttpStatus.BAD_REQUEST; // no key, a blank key, or one longer than 255 characters
        }
        if (error instanceof IdempotencyInProgressException) {
            return HttpStatus.CONFLICT; // the same key is running right now
        }
        if (error instanceof IdempotencyKeyReuseException) {
            return HttpStatus.UNPROCESSABLE_ENTITY; // the key was used before with another payload
        }
        if (error instanceof IdempotencyStoreException) {
            return HttpStatus.SERVICE_UNAVAILABLE; // the store is down; the transfer did not run
        }
        if (error instanceof IdempotencyConfigurationException) {
            return HttpStatus.INTERNAL_SERVER_ERROR; // a misconfigured annotation or agent: fix the deployment
        }
        return HttpStatus.INTERNAL_SERVER_ERROR;
    }
}
