/**
 * The runtime: the engine, the programmatic API ({@code dev.idempotency.core}), the store SPI
 * ({@code dev.idempotency.spi}) and the in-memory store. {@code dev.idempotency.internal} is not exported;
 * {@code dev.idempotency.bridge}, through which woven code reaches the process-wide runtime, is exported only to
 * the aspect and the agent (and to the api, whose {@code IdempotencyKeys.contentHash} uses the canonical form), and
 * to the Spring Boot auto-configuration, whose advisor is a third way in to the same engine (it runs a method's plan
 * through {@code WovenMethod}, as the aspect does).
 *
 * <p>On the module path, an application whose {@code @Idempotent} methods take or return its own types opens their
 * packages to this module (expressions and fingerprints read their state) and to
 * {@code com.fasterxml.jackson.databind} (results are stored as JSON), as it would for any JSON library.
 */
@SuppressWarnings("module") // the aspect, the agent and the auto-configuration are automatic modules, absent here
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
    exports dev.idempotency.bridge to dev.idempotency.aspect, dev.idempotency.agent, dev.idempotency.api,
            dev.idempotency.spring.boot.autoconfigure;

    uses dev.idempotency.spi.IdempotencyStoreProvider;
    provides dev.idempotency.spi.IdempotencyStoreProvider with dev.idempotency.memory.MemoryStoreProvider;
}
