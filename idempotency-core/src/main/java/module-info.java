/**
 * The runtime: the engine, the programmatic API ({@code dev.idempotency.core}), the store SPI
 * ({@code dev.idempotency.spi}) and the in-memory store. {@code dev.idempotency.internal} is not exported;
 * {@code dev.idempotency.bridge}, through which woven code reaches the process-wide runtime, is exported only to
 * the aspect and the agent (and to the api, whose {@code IdempotencyKeys.contentHash} uses the canonical form).
 *
 * <p>On the module path, an application whose {@code @Idempotent} methods take or return its own types opens their
 * packages to this module (expressions and fingerprints read their state) and to
 * {@code com.fasterxml.jackson.databind} (results are stored as JSON), as it would for any JSON library.
 */
@SuppressWarnings("module") // the aspect and the agent are automatic modules, absent when this is compiled
module dev.idempotency.core {
    requires transitive dev.idempotency.api;
    requires java.sql; // java.sql.Timestamp keeps its nanos in fingerprints
    requires com.fasterxml.jackson.databind;
    requires com.fasterxml.jackson.datatype.jsr310;
    requires com.fasterxml.jackson.datatype.jdk8;
    requires com.fasterxml.jackson.module.paramnames;
    requires com.github.benmanes.caffeine;

    exports dev.idempotency.core;
    exports dev.idempotency.spi;
    exports dev.idempotency.memory;
    exports dev.idempotency.bridge to dev.idempotency.aspect, dev.idempotency.agent, dev.idempotency.api;

    uses dev.idempotency.spi.IdempotencyStoreProvider;
    provides dev.idempotency.spi.IdempotencyStoreProvider with dev.idempotency.memory.MemoryStoreProvider;
}
