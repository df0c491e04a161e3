package dev.idempotency.redis;

import dev.idempotency.Idempotent;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** Idempotent methods for this module's own tests, woven by the module's test-compile. Bodies count their runs by key. */
public class RedisTestService {

    static final String NAMESPACE = "redis-test.echo";

    private final Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();

    public int runs(String key) {
        AtomicInteger n = runs.get(key);
        return n == null ? 0 : n.get();
    }

    public int totalRuns() {
        return runs.values().stream().mapToInt(AtomicInteger::get).sum();
    }

    private int ran(String key) {
        return runs.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
    }

    @Idempotent(key = "#key", namespace = NAMESPACE)
    public String echo(String key, String value) {
        return value + "#" + ran(key) + "@" + System.nanoTime();
    }
}
