package dev.idempotency.examples.springboot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idempotency.IdempotencyConfigurationException;
import dev.idempotency.IdempotencyException;
import dev.idempotency.IdempotencyInProgressException;
import dev.idempotency.IdempotencyKeyException;
import dev.idempotency.IdempotencyKeyReuseException;
import dev.idempotency.IdempotencyStoreException;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;

class IdempotencyExceptionHandlerTest {

    private final IdempotencyExceptionHandler handler = new IdempotencyExceptionHandler();

    @Test
    void eachRefusalHasItsStatus() {
        assertThat(status(new IdempotencyKeyException("no key", "ns", null))).isEqualTo(400);
        assertThat(status(new IdempotencyInProgressException("running", "ns", "k"))).isEqualTo(409);
        assertThat(status(new IdempotencyKeyReuseException("other payload", "ns", "k"))).isEqualTo(422);
        assertThat(status(new IdempotencyStoreException("store down", "ns", "k"))).isEqualTo(503);
        assertThat(status(new IdempotencyConfigurationException("bad annotation", "ns", null))).isEqualTo(500);
    }

    @Test
    void theProblemNamesTheKeyAndAConflictSaysWhenToRetry() {
        ResponseEntity<ProblemDetail> response =
                handler.idempotency(new IdempotencyInProgressException("key 'k' is in progress", "transfers", "k"));
        assertThat(response.getHeaders().getFirst(HttpHeaders.RETRY_AFTER)).isEqualTo("1");
        ProblemDetail problem = response.getBody();
        assertThat(problem.getTitle()).isEqualTo("IdempotencyInProgressException");
        assertThat(problem.getDetail()).contains("in progress");
        assertThat(problem.getProperties()).containsEntry("key", "k").doesNotContainKey("namespace");
    }

    @Test
    void aClientNeverSeesTheStoresHostUserSqlOrNamespace() {
        String internal = "store jdbc(url=jdbc:postgresql://db.internal:5432/pay?user=payments) failed to claim key"
                + " 'k' (namespace com.acme.Payments.pay(java.lang.String)): [SQLState 40P01] ERROR: deadlock detected"
                + " in INSERT INTO idempotency_records";
        for (IdempotencyException error : new IdempotencyException[] {
                new IdempotencyStoreException(internal, "com.acme.Payments.pay(java.lang.String)", "k"),
                new IdempotencyConfigurationException(internal, "com.acme.Payments.pay(java.lang.String)", null),
                new IdempotencyKeyReuseException(internal, "com.acme.Payments.pay(java.lang.String)", "k")}) {
            ResponseEntity<ProblemDetail> response = handler.idempotency(error);
            String shown = response.getBody().getDetail() + " " + response.getBody().getProperties();
            assertThat(shown).as(error.getClass().getSimpleName()).doesNotContain("db.internal", "payments", "INSERT",
                    "SQLState", "com.acme", "jdbc");
        }
        assertThat(handler.idempotency(new IdempotencyStoreException(internal, "ns", "k")).getHeaders()
                .getFirst(HttpHeaders.RETRY_AFTER)).isEqualTo("1");
    }

    private int status(IdempotencyException error) {
        return handler.idempotency(error).getStatusCode().value();
    }
}
