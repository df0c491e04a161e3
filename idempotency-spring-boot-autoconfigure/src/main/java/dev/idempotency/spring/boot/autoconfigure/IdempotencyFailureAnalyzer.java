package dev.idempotency.spring.boot.autoconfigure;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Reports a bad {@code idempotency.*} value as Spring Boot reports its own: what is wrong, then what to do. */
class IdempotencyFailureAnalyzer extends AbstractFailureAnalyzer<InvalidIdempotencyPropertyException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, InvalidIdempotencyPropertyException cause) {
        String description = "The idempotency runtime cannot start: the property " + cause.getProperty()
                + " has the value '" + cause.getValue() + "', which is refused:\n\n    " + cause.getReason();
        return new FailureAnalysis(description, cause.getAction(), cause);
    }
}
