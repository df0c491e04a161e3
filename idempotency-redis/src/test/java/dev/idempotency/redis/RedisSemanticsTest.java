package dev.idempotency.redis;

import dev.idempotency.spi.ClaimResult;
import dev.idempotency.spi.IdempotencyStore;
import dev.idempotency.spi.Outcome;
import dev.idempotency.spi.StoredRecord;
import dev.idempotency.testkit.SemanticsSuite;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The contract's semantics on Redis (the shared server at 127.0.0.1:6379), through compile-time weaving: this module's
 * build weaves the suite's fixtures. Redis keeps its own time, so the tests that move a test clock are skipped here;
 * the lease and takeover tests of this module cover the same ground in real time.
 *
 * <p>One store serves the whole class, behind a view whose {@code close()} does nothing: the suite's fail-open test
 * re-configures the runtime with the store it already uses, and {@code Idempotency.configure} closes the previous
 * runtime's store, which would close the pools the new runtime still needs. (The in-memory store survives a close;
 * a pooled client does not.) The store itself is closed after the class.
 */
@RequiresRedis
class RedisSemanticsTest extends SemanticsSuite {

    private static final String PREFIX = SharedRedis.prefix("semantics");
    private static RedisStore redis;

    @BeforeAll
    static void openStore() {
        redis = SharedRedis.store(PREFIX);
    }

    @AfterAll
    static void closeStore() {
        if (redis != null) {
            redis.close();
        }
        SharedRedis.deleteKeys(PREFIX);
    }

    @Override
    protected IdempotencyStore newStore(Clock clock) {
        return new KeptOpen(redis);
    }

    @Override
    protected boolean storeUsesTestClock() {
        return false;
    }

    /** The store, with a {@code close()} that leaves it open. */
    private record KeptOpen(IdempotencyStore delegate) implements IdempotencyStore {
        @Override
        public ClaimResult claim(String namespace, String key, String owner, String fingerprint, Duration lease) {
            return delegate.claim(namespace, key, owner, fingerprint, lease);
        }

        @Override
        public boolean complete(String namespace, String key, String owner, Outcome outcome, Duration ttl) {
            return delegate.complete(namespace, key, owner, outcome, ttl);
        }

        @Override
        public boolean release(String namespace, String key, String owner) {
            return delegate.release(namespace, key, owner);
        }

        @Override
        public boolean renew(String namespace, String key, String owner, Duration lease) {
            return delegate.renew(namespace, key, owner, lease);
        }

        @Override
        public StoredRecord read(String namespace, String key) {
            return delegate.read(namespace, key);
        }

        @Override
        public String describe() {
            return delegate.describe();
        }

        @Override
        public void close() {
            // the class closes the store once, after its last test
        }
    }
}
