package dev.idempotency.spring.boot.autoconfigure;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;

/**
 * The health contributor {@code idempotency} on Spring Boot 3: UP when the store answers, DOWN with the reason when it
 * fails or does not answer within the timeout ({@link StoreProbe}).
 */
final class IdempotencyHealthIndicator implements HealthIndicator, DisposableBean {

    private final StoreProbe probe;

    IdempotencyHealthIndicator(StoreProbe probe) {
        this.probe = probe;
    }

    @Override
    public Health health() {
        StoreProbe.Result result = probe.check();
        Health.Builder health = result.up() ? Health.up() : Health.down().withDetail("reason", result.reason());
        return health.withDetail("store", result.store()).build();
    }

    @Override
    public void destroy() {
        probe.close();
    }
}
