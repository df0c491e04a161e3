package dev.idempotency.micrometer;

import dev.idempotency.spi.ClaimResult;
import dev.idempotency.spi.ForwardingIdempotencyStore;
import dev.idempotency.spi.IdempotencyStore;
import dev.idempotency.spi.Outcome;
import dev.idempotency.spi.StoredRecord;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * A store whose operations run inside an {@link Observation} named {@value IdempotencyMetrics#STORE}, tagged with
 * the operation. It keeps the owner tokens of the claims it granted until they are completed or released, for the
 * gauge of held claims. Everything else goes straight to the store it wraps.
 */
final class ObservedStore extends ForwardingIdempotencyStore {

    final IdempotencyMetrics metrics;

    ObservedStore(IdempotencyStore store, IdempotencyMetrics metrics) {
        super(store);
        this.metrics = metrics;
    }

    @Override
    public ClaimResult claim(String namespace, String key, String owner, String fingerprint, Duration lease) {
        ClaimResult result = observe("claim", () -> delegate().claim(namespace, key, owner, fingerprint, lease));
        if (result instanceof ClaimResult.Claimed) {
            metrics.held.add(owner);
        }
        return result;
    }

    @Override
    public boolean complete(String namespace, String key, String owner, Outcome outcome, Duration ttl) {
        try {
            return observe("complete", () -> delegate().complete(namespace, key, owner, outcome, ttl));
        } finally {
            metrics.held.remove(owner);
        }
    }

    @Override
    public boolean release(String namespace, String key, String owner) {
        try {
            return observe("release", () -> delegate().release(namespace, key, owner));
        } finally {
            metrics.held.remove(owner);
        }
    }

    @Override
    public boolean renew(String namespace, String key, String owner, Duration lease) {
        boolean renewed = observe("renew", () -> delegate().renew(namespace, key, owner, lease));
        if (!renewed) {
            metrics.held.remove(owner); // taken over: this JVM holds it no longer
        }
        return renewed;
    }

    @Override
    public StoredRecord read(String namespace, String key) {
        return observe("read", () -> delegate().read(namespace, key));
    }

    private <T> T observe(String operation, Supplier<T> call) {
        ObservationRegistry registry = metrics.observations();
        if (registry.isNoop()) {
            return call.get();
        }
        return Observation.createNotStarted(IdempotencyMetrics.STORE, registry)
                .lowCardinalityKeyValue("operation", operation)
                .contextualName("idempotency store " + operation)
                .observe(call);
    }
}
