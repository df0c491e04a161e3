package dev.idempotency.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idempotency.IdempotencyStoreException;
import dev.idempotency.memory.MemoryStore;
import dev.idempotency.spi.ClaimResult;
import dev.idempotency.spi.IdempotencyStore;
import dev.idempotency.spi.Outcome;
import dev.idempotency.spi.StoredRecord;
import java.time.Duration;
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
        runner.withBean(IdempotencyStore.class, () -> new Hanging(null)).run(context -> {
            var health = context.getBean("idempotencyHealthIndicator", HealthIndicator.class).health();
            assertThat(health.getStatus()).isEqualTo(Status.DOWN);
            assertThat(health.getDetails().get("reason").toString()).contains("connection refused");
        });
    }

    @Test
    void downWithinTheTimeoutWhenTheStoreHangs() {
        CountDownLatch never = new CountDownLatch(1);
        try {
            runner.withBean(IdempotencyStore.class, () -> new Hanging(never)).run(context -> {
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

    /** Reads hang on the latch, or fail at once without one; everything else is an in-memory store. */
    private static final class Hanging implements IdempotencyStore {
        private final CountDownLatch latch;
        private final MemoryStore memory = new MemoryStore();

        Hanging(CountDownLatch latch) {
            this.latch = latch;
        }

        @Override
        public StoredRecord read(String namespace, String key) {
            if (latch == null) {
                throw new IdempotencyStoreException("connection refused", namespace, key);
            }
            try {
                latch.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return null;
        }

        @Override
        public ClaimResult claim(String namespace, String key, String owner, String fingerprint, Duration lease) {
            return memory.claim(namespace, key, owner, fingerprint, lease);
        }

        @Override
        public boolean complete(String namespace, String key, String owner, Outcome outcome, Duration ttl) {
            return memory.complete(namespace, key, owner, outcome, ttl);
        }

        @Override
        public boolean release(String namespace, String key, String owner) {
            return memory.release(namespace, key, owner);
        }

        @Override
        public boolean renew(String namespace, String key, String owner, Duration lease) {
            return memory.renew(namespace, key, owner, lease);
        }
    }
}
