package dev.idempotency.benchmarks.peer;

import java.util.concurrent.ConcurrentHashMap;

/**
 * The peer's in-memory repository: one {@link ConcurrentHashMap} of key to record, claimed with
 * {@code putIfAbsent}, as the starters' in-memory stores do. {@link #clear()} starts over with an empty map, so that
 * each benchmark iteration pays the map's growth like the library's fresh store does.
 */
public final class PeerRecords {

    /** A claimed key: the request's fingerprint, and the result as JSON once the call completed ({@code null} before). */
    public record StoredCall(String fingerprint, String resultJson) {
    }

    private volatile ConcurrentHashMap<String, StoredCall> records = new ConcurrentHashMap<>();

    StoredCall putIfAbsent(String key, StoredCall claim) {
        return records.putIfAbsent(key, claim);
    }

    void put(String key, StoredCall completed) {
        records.put(key, completed);
    }

    void remove(String key, StoredCall claim) {
        records.remove(key, claim);
    }

    public int size() {
        return records.size();
    }

    public void clear() {
        records = new ConcurrentHashMap<>();
    }
}
