package dev.idempotency.spring.boot.autoconfigure;

import dev.idempotency.core.IdempotencyRuntime;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The Actuator health contributor {@code idempotency} (off with {@code management.health.idempotency.enabled=false}),
 * on Spring Boot 3 or 4, whichever the application runs: the bean is named so that Actuator calls it
 * {@code idempotency}.
 */
@AutoConfiguration(after = IdempotencyAutoConfiguration.class)
@ConditionalOnProperty(prefix = "management.health.idempotency", name = "enabled", matchIfMissing = true)
public class IdempotencyHealthAutoConfiguration {

    static final String BEAN = "idempotencyHealthIndicator";

    static StoreProbe probe(IdempotencyRuntime runtime, IdempotencyProperties properties) {
        return new StoreProbe(runtime.store(), properties.getHealth().getTimeout());
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springframework.boot.actuate.health.HealthIndicator")
    static class Boot3 {
        @Bean(name = BEAN)
        @ConditionalOnMissingBean(name = BEAN)
        IdempotencyHealthIndicator idempotencyHealthIndicator(IdempotencyRuntime runtime,
                                                              IdempotencyProperties properties) {
            return new IdempotencyHealthIndicator(probe(runtime, properties));
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springframework.boot.health.contributor.HealthIndicator")
    @ConditionalOnMissingClass("org.springframework.boot.actuate.health.HealthIndicator")
    static class Boot4 {
        @Bean(name = BEAN)
        @ConditionalOnMissingBean(name = BEAN)
        IdempotencyBoot4HealthIndicator idempotencyHealthIndicator(IdempotencyRuntime runtime,
                                                                   IdempotencyProperties properties) {
            return new IdempotencyBoot4HealthIndicator(probe(runtime, properties));
        }
    }
}
