/**
 * The in-process store, {@link dev.idempotency.memory.MemoryStore}, and its provider for the {@code memory:} URI. It is
 * the default store: it deduplicates calls within one JVM, keeps a bounded number of completed records, and loses them
 * when the JVM stops. Several instances of an application, or records that must survive a restart, need a shared
 * store (Redis, a database).
 */
package dev.idempotency.memory;
