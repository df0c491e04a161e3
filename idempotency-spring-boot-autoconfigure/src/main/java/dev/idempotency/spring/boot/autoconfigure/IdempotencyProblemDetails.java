package dev.idempotency.spring.boot.autoconfigure;

import dev.idempotency.IdempotencyException;
import dev.idempotency.IdempotencyInProgressException;
import dev.idempotency.IdempotencyKeyException;
import dev.idempotency.IdempotencyKeyReuseException;
import dev.idempotency.IdempotencyStoreException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ExceptionHandler;

/**
 * Answers the library's refusals thrown by Spring MVC handlers with RFC 9457 problem details: 400 for a bad key, 409
 * and {@code Retry-After} for a key in progress, 422 for a reused key, 503 and {@code Retry-After} when the store
 * cannot be reached; the same answers as the servlet filter gives. Ordered last: an exception handler of the
 * application (in a controller or an advice of its own) comes first and wins.
 */
@ControllerAdvice
@Order(Ordered.LOWEST_PRECEDENCE)
public class IdempotencyProblemDetails {

    @ExceptionHandler({IdempotencyKeyException.class, IdempotencyInProgressException.class,
            IdempotencyKeyReuseException.class, IdempotencyStoreException.class})
    public ResponseEntity<ProblemDetail> refusal(IdempotencyException refusal, HttpServletRequest request,
                                                 HttpServletResponse response) throws Exception {
        ResponseEntity<ProblemDetail> answer = RefusalCapture.answer(refusal, request, response);
        if (answer == null) {
            throw refusal; // Spring MVC goes on with its other resolvers
        }
        return answer;
    }
}
