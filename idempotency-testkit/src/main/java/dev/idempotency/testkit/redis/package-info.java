/**
 * Internal test infrastructure of this project, with no compatibility promise: local {@code redis-server} processes
 * (standalone, Sentinel, Cluster, TLS) and a minimal RESP client for setting them up, used by this project's own
 * tests. It may change or go away in any release. Not part of the published Javadoc.
 */
package dev.idempotency.testkit.redis;
