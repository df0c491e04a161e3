package dev.idempotency.internal;

/** A record's name in a store, namespace and key together: a map key without a joined string per call. */
record RecordKey(String namespace, String key) {
}
