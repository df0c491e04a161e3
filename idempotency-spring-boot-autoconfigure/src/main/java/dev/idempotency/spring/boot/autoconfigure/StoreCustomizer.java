package dev.idempotency.spring.boot.autoconfigure;

import dev.idempotency.spi.IdempotencyStore;

/** Wraps the store before the runtime gets it (metrics); applied to the starter's configuration only. */
@FunctionalInterface
interface StoreCustomizer {
    IdempotencyStore customize(IdempotencyStore store);
}
