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

    private static final System.Logger LOG = System.getLogger(IdempotencyExceptionHandler.class.getName());

    @ExceptionHandler(IdempotencyException.class)
    public ResponseEntity<ProblemDetail> idempotency(IdempotencyException error) {
        HttpStatus status = status(error);
        // The exception's own message is for operators: it may name the store's host and user, the SQL, the
        // namespace. It goes to the log; the client gets a fixed detail for its status and, for a refusal about its
        // key, that key (which it sent).
        LOG.log(status.is5xxServerError() ? System.Logger.Level.ERROR : System.Logger.Level.INFO,
                "refused with " + status.value() + ": " + error.getMessage());
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail(error));
        problem.setTitle(error.getClass().getSimpleName());
        if (status.is4xxClientError() && !(error instanceof IdempotencyKeyException)) {
            problem.setProperty("key", error.getKey());
        }
        ResponseEntity.BodyBuilder response = ResponseEntity.status(status);
        if (status == HttpStatus.CONFLICT || status == HttpStatus.SERVICE_UNAVAILABLE) {
            response.header(HttpHeaders.RETRY_AFTER, "1"); // running right now, or the store is down: retry shortly
        }
        return response.body(problem);
    }

    static String detail(IdempotencyException error) {
        if (error instanceof IdempotencyKeyException) {
            return "the idempotency key is missing, blank, too long or holds characters a key may not hold";
        }
        if (error instanceof IdempotencyInProgressException) {
            return "a request with this idempotency key is in progress; retry shortly";
        }
        if (error instanceof IdempotencyKeyReuseException) {
            return "this idempotency key was used before with a different payload";
        }
        if (error instanceof IdempotencyStoreException) {
            return "the service cannot check for duplicate requests right now, so the request did not run; retry shortly";
        }
        return "internal error";
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
