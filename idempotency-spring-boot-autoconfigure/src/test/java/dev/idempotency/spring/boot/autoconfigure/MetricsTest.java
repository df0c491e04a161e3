package dev.idempotency.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idempotency.micrometer.IdempotencyMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** With Micrometer present, the advised calls and the store's operations are measured. */
class MetricsTest {

    @Test
    void advisedCallsAreCountedAndStoreOperationsTimed() {
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(AopAutoConfiguration.class,
                        IdempotencyMetricsAutoConfiguration.class, IdempotencyAutoConfiguration.class))
                .withBean(Transfers.class)
                .run(context -> {
                    MeterRegistry registry = new SimpleMeterRegistry();
                    context.getBean(IdempotencyMetrics.class).bindTo(registry); // Actuator does this in an application
                    Transfers transfers = context.getBean(Transfers.class);
                    transfers.transfer("m-1", 1);
                    transfers.transfer("m-1", 1);
                    assertThat(registry.get("idempotency.calls").tag("namespace", "test.transfer")
                            .tag("outcome", "executed").counter().count()).isEqualTo(1);
                    assertThat(registry.get("idempotency.calls").tag("outcome", "replayed").counter().count())
                            .isEqualTo(1);
                    assertThat(registry.get("idempotency.store").tag("operation", "claim").timer().count())
                            .isEqualTo(2);
                });
    }
}
