package dev.idempotency.spring.boot.autoconfigure;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * The health contributor {@code idempotency} on Spring Boot 4, whose health types moved to
 * {@code org.springframework.boot.health.contributor}; the same check as on Spring Boot 3 ({@link StoreProbe}).
 */
final class IdempotencyBoot4HealthIndicator implements HealthIndicator, DisposableBean {

    private final StoreProbe probe;

    IdempotencyBoot4HealthIndicator(StoreProbe probe) {
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
