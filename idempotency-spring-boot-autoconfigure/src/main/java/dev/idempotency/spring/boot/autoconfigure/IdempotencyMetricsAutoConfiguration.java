package dev.idempotency.spring.boot.autoconfigure;

import dev.idempotency.micrometer.IdempotencyMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Metrics when the application has Micrometer: {@link IdempotencyMetrics} is a {@code MeterBinder}, which Spring Boot
 * binds to its registry, and a listener of the runtime; the store is observed through the application's
 * {@link ObservationRegistry} when it has one (Actuator), so the store timers and traces come from one observation.
 */
@AutoConfiguration(before = IdempotencyAutoConfiguration.class)
@ConditionalOnClass({MeterRegistry.class, IdempotencyMetrics.class})
public class IdempotencyMetricsAutoConfiguration {

    /**
     * The metrics, unless the application defines an {@link IdempotencyMetrics} bean of its own.
     *
     * @param observations the application's observation registry, used when there is exactly one
     * @return the metrics, observing the store through that registry if there is one
     */
    @Bean
    @ConditionalOnMissingBean
    public IdempotencyMetrics idempotencyMetrics(ObjectProvider<ObservationRegistry> observations) {
        ObservationRegistry registry = observations.getIfUnique();
        return registry == null ? new IdempotencyMetrics() : new IdempotencyMetrics(registry);
    }

    @Bean
    StoreCustomizer idempotencyStoreMetrics(IdempotencyMetrics metrics) {
        return metrics::instrument;
    }
}
