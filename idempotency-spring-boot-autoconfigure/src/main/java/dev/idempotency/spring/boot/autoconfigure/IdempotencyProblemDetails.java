package dev.idempotency.spring.boot.autoconfigure;

import dev.idempotency.IdempotencyException;
import dev.idempotency.IdempotencyInProgressException;
import dev.idempotency.IdempotencyKeyException;
import dev.idempotency.IdempotencyKeyReuseException;
import dev.idempotency.IdempotencyStoreException;
import dev.idempotency.servlet.ProblemAnswer;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ExceptionHandler;

/**
 * Answers the library's refusals thrown by Spring MVC handlers with RFC 9457 problem details: 400 for a bad key, 409
 * and {@code Retry-After} for a key in progress, 422 for a reused key, 503 and {@code Retry-After} for any store
 * failure (unreachable or not); the same answers as the servlet filter gives. Ordered last: an exception handler of the
 * application (in a controller or an advice of its own) comes first and wins.
 */
@ControllerAdvice
@Order(Ordered.LOWEST_PRECEDENCE)
public class IdempotencyProblemDetails {

    /**
     * The problem response for a refusal of the library.
     *
     * @param refusal the exception a handler threw
     * @return the problem details, with {@code Content-Type: application/problem+json} and, where the refusal says
     *         when to retry, {@code Retry-After} in seconds
     * @throws IdempotencyException the same exception if no answer is defined for it, so that Spring MVC's other
     *                              resolvers handle it
     */
    @ExceptionHandler({IdempotencyKeyException.class, IdempotencyInProgressException.class,
            IdempotencyKeyReuseException.class, IdempotencyStoreException.class})
    public ResponseEntity<ProblemDetail> refusal(IdempotencyException refusal) {
        ProblemAnswer answer = ProblemAnswer.of(refusal);
        if (answer == null) {
            throw refusal; // not a refusal: Spring MVC goes on with its other resolvers
        }
        ProblemDetail problem = ProblemDetail.forStatus(answer.status());
        problem.setTitle(answer.title());
        problem.setDetail(answer.detail());
        if (answer.namespace() != null) {
            problem.setProperty("namespace", answer.namespace());
        }
        ResponseEntity.BodyBuilder response = ResponseEntity.status(answer.status())
                .contentType(MediaType.APPLICATION_PROBLEM_JSON);
        if (answer.retryAfterSeconds() > 0) {
            response.header(HttpHeaders.RETRY_AFTER, Integer.toString(answer.retryAfterSeconds()));
        }
        return response.body(problem);
    }
}
