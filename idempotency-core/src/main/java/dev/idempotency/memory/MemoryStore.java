package dev.idempotency.memory;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import dev.idempotency.spi.ClaimResult;
import dev.idempotency.spi.IdempotencyStore;
import dev.idempotency.spi.Outcome;
import dev.idempotency.spi.StoredRecord;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ConcurrentMap;

/**
 * The in-process store: bounded, expiring, atomic per key (Caffeine's {@code compute}).
 *
 * <p>It protects one JVM only, and its bound is a real limit: when more than {@code maxEntries} records are live,
 * the least valuable ones are evicted early, and a key evicted before its ttl can run again. Size it for the
 * number of calls per ttl, or use a shared store.
 */
public final class MemoryStore implements IdempotencyStore {

    public static final long DEFAULT_MAX_ENTRIES = 100_000;
    private static final long TAKEOVER_GRACE_MILLIS = 60_000;

    private final Clock clock;
    private final long maxEntries;
    private final Cache<Key, Entry> cache;
    private final ConcurrentMap<Key, Entry> map;

    public MemoryStore() {
        this(Clock.systemUTC(), DEFAULT_MAX_ENTRIES);
    }

    public MemoryStore(Clock clock, long maxEntries) {
        this.clock = Objects.requireNonNull(clock, "clock");
        if (maxEntries <= 0) {
            throw new IllegalArgumentException("maxEntries must be positive, but was " + maxEntries);
        }
        this.maxEntries = maxEntries;
        this.cache = Caffeine.newBuilder()
                .maximumSize(maxEntries)
                .ticker(() -> clock.millis() * 1_000_000L)
                .expireAfter(new EntryExpiry())
                .executor(Runnable::run)
                .build();
        this.map = cache.asMap();
    }

    /** Keys are namespace and key together; the pair avoids building a joined string per call. */
    private record Key(String namespace, String key) {
    }

    /** An immutable record with its absolute expiry in clock milliseconds. */
    private record Entry(StoredRecord record, long expiresAt) {
        boolean liveAt(long now) {
            return expiresAt > now;
        }
    }

    private static final class EntryExpiry implements Expiry<Key, Entry> {
        @Override
        public long expireAfterCreate(Key key, Entry entry, long currentTime) {
            // An expired claim stays visible a little longer, so that a takeover can be told from a fresh claim.
            long physical = entry.record.isCompleted() ? entry.expiresAt : entry.expiresAt + TAKEOVER_GRACE_MILLIS;
            return Math.max(0, physical * 1_000_000L - currentTime);
        }

        @Override
        public long expireAfterUpdate(Key key, Entry entry, long currentTime, long currentDuration) {
            return expireAfterCreate(key, entry, currentTime);
        }

        @Override
        public long expireAfterRead(Key key, Entry entry, long currentTime, long currentDuration) {
            return currentDuration;
        }
    }

    @Override
    public ClaimResult claim(String namespace, String key, String owner, String fingerprint, Duration lease) {
        Key k0 = new Key(namespace, key);
        // A completed record does not change until it expires: answer a replay without taking the entry's lock.
        Entry existing = map.get(k0);
        if (existing != null && existing.record.isCompleted() && existing.liveAt(clock.millis())) {
            return ClaimResult.found(existing.record);
        }
        ClaimResult[] result = new ClaimResult[1];
        map.compute(k0, (k, old) -> {
            long now = clock.millis();
            if (old != null && old.liveAt(now)) {
                result[0] = ClaimResult.found(old.record);
                return old;
            }
            boolean takeover = old != null && !old.record.isCompleted();
            result[0] = ClaimResult.claimed(takeover);
            return new Entry(StoredRecord.inProgress(owner, fingerprint), now + lease.toMillis());
        });
        return result[0];
    }

    @Override
    public boolean complete(String namespace, String key, String owner, Outcome outcome, Duration ttl) {
        boolean[] done = new boolean[1];
        map.computeIfPresent(new Key(namespace, key), (k, old) -> {
            long now = clock.millis();
            if (!ownedBy(old, owner, now)) {
                return old;
            }
            done[0] = true;
            return new Entry(StoredRecord.completed(old.record.fingerprint(), outcome), now + ttl.toMillis());
        });
        return done[0];
    }

    @Override
    public boolean release(String namespace, String key, String owner) {
        boolean[] done = new boolean[1];
        map.computeIfPresent(new Key(namespace, key), (k, old) -> {
            if (!ownedBy(old, owner, clock.millis())) {
                return old;
            }
            done[0] = true;
            return null;
        });
        return done[0];
    }

    @Override
    public boolean renew(String namespace, String key, String owner, Duration lease) {
        boolean[] done = new boolean[1];
        map.computeIfPresent(new Key(namespace, key), (k, old) -> {
            long now = clock.millis();
            if (!ownedBy(old, owner, now)) {
                return old;
            }
            done[0] = true;
            return new Entry(old.record, now + lease.toMillis());
        });
        return done[0];
    }

    @Override
    public StoredRecord read(String namespace, String key) {
        Entry entry = map.get(new Key(namespace, key));
        return entry != null && entry.liveAt(clock.millis()) ? entry.record : null;
    }

    private static boolean ownedBy(Entry entry, String owner, long now) {
        return entry.liveAt(now) && owner.equals(entry.record.owner());
    }

    /** Records held, live or awaiting eviction, for tests and diagnostics. */
    public long size() {
        return cache.estimatedSize();
    }

    /** Runs pending evictions now. */
    public void cleanUp() {
        cache.cleanUp();
    }

    @Override
    public boolean inProcess() {
        return true;
    }

    @Override
    public String describe() {
        return "memory(maxEntries=" + maxEntries + ")";
    }

    @Override
    public void close() {
        map.clear();
    }
}
