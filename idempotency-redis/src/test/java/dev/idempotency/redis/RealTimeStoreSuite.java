package dev.idempotency.redis;

import dev.idempotency.testkit.StoreSuite;
import java.time.Duration;

/** The store contract on a Redis that keeps its own time: time passes by sleeping, and leases are short. */
abstract class RealTimeStoreSuite extends StoreSuite {

    @Override
    protected void elapse(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    protected Duration lease() {
        return Duration.ofMillis(500);
    }
}
