package dev.idempotency.spring.boot.autoconfigure;

import dev.idempotency.core.Idempotency;
import dev.idempotency.core.IdempotencyConfig;
import org.springframework.beans.factory.DisposableBean;

/**
 * Makes the context's configuration the process-wide runtime, which the advisor, the aspect's woven code and the
 * agent all reach, so that every route agrees on one store; closes it (and its store) with the context. One
 * application context per JVM owns it: a second context started in the same JVM replaces the first one's runtime.
 */
public final class ProcessRuntimeInstallation implements DisposableBean {

    private final IdempotencyConfig config;

    ProcessRuntimeInstallation(IdempotencyConfig config) {
        this.config = config;
        Idempotency.configure(config);
    }

    /** The configuration installed. */
    public IdempotencyConfig config() {
        return config;
    }

    @Override
    public void destroy() {
        Idempotency.reset();
    }
}
