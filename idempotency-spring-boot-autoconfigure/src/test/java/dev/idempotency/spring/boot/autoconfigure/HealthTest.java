package dev.idempotency.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idempotency.memory.MemoryStore;
import dev.idempotency.spi.IdempotencyStore;
import dev.idempotency.testkit.ControllableStore;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.actuate.health.Status;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** The health contributor {@code idempotency}, against a store that answers, fails, and hangs. */
class HealthTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(IdempotencyAutoConfiguration.class,
                    IdempotencyHealthAutoConfiguration.class))
            .withPropertyValues("idempotency.health.timeout=200ms");

    @Test
    void upWhenTheStoreAnswers() {
        runner.run(context -> {
            HealthIndicator health = context.getBean("idempotencyHealthIndicator", HealthIndicator.class);
            assertThat(health.health().getStatus()).isEqualTo(Status.UP);
            assertThat(health.health().getDetails().get("store").toString()).startsWith("memory");
        });
    }

    @Test
    void downWithTheReasonWhenTheStoreFails() {
        ControllableStore store = new ControllableStore(new MemoryStore());
        store.down = true;
        runner.withBean(IdempotencyStore.class, () -> store).run(context -> {
            var health = context.getBean("idempotencyHealthIndicator", HealthIndicator.class).health();
            assertThat(health.getStatus()).isEqualTo(Status.DOWN);
            assertThat(health.getDetails().get("reason").toString()).startsWith("IdempotencyStoreException: ");
        });
    }

    @Test
    void downWithinTheTimeoutWhenTheStoreHangs() {
        CountDownLatch never = new CountDownLatch(1);
        try {
            ControllableStore store = new ControllableStore(new MemoryStore());
            store.beforeRead = key -> {
                try {
                    never.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            };
            runner.withBean(IdempotencyStore.class, () -> store).run(context -> {
                HealthIndicator indicator = context.getBean("idempotencyHealthIndicator", HealthIndicator.class);
                long start = System.nanoTime();
                var health = indicator.health();
                var again = indicator.health();
                long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                assertThat(health.getStatus()).isEqualTo(Status.DOWN);
                assertThat(health.getDetails().get("reason").toString()).contains("did not answer within PT0.2S");
                assertThat(again.getStatus()).isEqualTo(Status.DOWN);
                assertThat(took).as("two checks, each bounded by the timeout").isLessThan(5_000);
            });
        } finally {
            never.countDown();
        }
    }
}
