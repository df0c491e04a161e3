package dev.idempotency.spring.boot.autoconfigure;

import dev.idempotency.core.IdempotencyRuntime;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;

/** The Actuator health contributor {@code idempotency} (off with {@code management.health.idempotency.enabled=false}). */
@AutoConfiguration(after = IdempotencyAutoConfiguration.class)
@ConditionalOnClass(HealthIndicator.class)
@ConditionalOnProperty(prefix = "management.health.idempotency", name = "enabled", matchIfMissing = true)
public class IdempotencyHealthAutoConfiguration {

    /** Named so that Actuator calls the contributor {@code idempotency}. */
    @Bean(name = "idempotencyHealthIndicator")
    @ConditionalOnMissingBean(name = "idempotencyHealthIndicator")
    HealthIndicator idempotencyHealthIndicator(IdempotencyRuntime runtime, IdempotencyProperties properties) {
        return new IdempotencyHealthIndicator(runtime.store(), properties.getHealth().getTimeout());
    }
}
