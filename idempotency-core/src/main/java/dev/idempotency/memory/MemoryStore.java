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
 * The in-process store: bounded, expiring, atomic per key (Caffeine's {@code putIfAbsent}, and compare-and-set
 * replacement of a record by the owner that holds it).
 *
 * <p>It protects one JVM only, and its bound is a real limit: when more than {@code maxEntries} records are live,
 * the least valuable ones are evicted early, and a key evicted before its ttl can run again. Size it for the
 * number of calls per ttl, or use a shared store.
 */
public final class MemoryStore implements IdempotencyStore {

    public static final long DEFAULT_MAX_ENTRIES = 100_000;
    private static final long TAKEOVER_GRACE_MILLIS = 60_000;
    /** The most slots reserved up front (a store with a larger bound grows its table past this as it fills). */
    private static final long MAX_INITIAL_CAPACITY = 1 << 20;

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
                // a table sized for the bound up front: a store filling towards it never stops to rehash
                .initialCapacity((int) Math.min(maxEntries, MAX_INITIAL_CAPACITY))
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

    /**
     * An immutable record with its absolute expiry in clock milliseconds. A completed entry carries the answer a
     * claim gives for it, made once, so a replay allocates nothing here.
     */
    private static final class Entry {
        final StoredRecord record;
        final long expiresAt;
        final ClaimResult found;
        /** Set by the claim that wrote this entry, before the entry is published: it replaced an expired claim. */
        boolean takeover;

        Entry(StoredRecord record, long expiresAt) {
            this.record = record;
            this.expiresAt = expiresAt;
            this.found = record.isCompleted() ? ClaimResult.found(record) : null;
        }

        boolean liveAt(long now) {
            return expiresAt > now;
        }

        ClaimResult found() {
            return found != null ? found : ClaimResult.found(record);
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
        Key k = new Key(namespace, key);
        long now = clock.millis();
        // A completed record does not change until it expires: answer a replay without taking the entry's lock.
        Entry existing = map.get(k);
        if (existing == null) {
            Entry mine = new Entry(StoredRecord.inProgress(owner, fingerprint), now + lease.toMillis());
            existing = map.putIfAbsent(k, mine); // a record expired in the map counts as absent
            if (existing == null) {
                return ClaimResult.CLAIMED;
            }
        }
        if (existing.liveAt(now)) {
            return existing.found();
        }
        // an expired claim (kept a little past its lease so that this can be told) or a record expiring now
        Entry mine = new Entry(StoredRecord.inProgress(owner, fingerprint), 0);
        Entry after = map.compute(k, (ignored, old) -> {
            long at = clock.millis();
            if (old != null && old.liveAt(at)) {
                return old;
            }
            Entry claim = new Entry(mine.record, at + lease.toMillis());
            claim.takeover = old != null && !old.record.isCompleted();
            return claim;
        });
        return after.record == mine.record ? ClaimResult.claimed(after.takeover) : after.found();
    }

    /**
     * The live completed record of the key, or {@code null} (none, in progress, or expired): one lock-free lookup,
     * for a caller that wants to answer a replay before it makes anything a claim would need.
     */
    public StoredRecord completed(String namespace, String key) {
        Entry existing = map.get(new Key(namespace, key));
        return existing != null && existing.found != null && existing.liveAt(clock.millis()) ? existing.record : null;
    }

    @Override
    public boolean complete(String namespace, String key, String owner, Outcome outcome, Duration ttl) {
        Key k = new Key(namespace, key);
        while (true) {
            Entry old = map.get(k);
            long now = clock.millis();
            if (old == null || !ownedBy(old, owner, now)) {
                return false;
            }
            // a compare-and-set on the entry: it fails only if the entry changed meanwhile (renewed, taken over)
            if (map.replace(k, old, new Entry(StoredRecord.completed(old.record.fingerprint(), outcome),
                    now + ttl.toMillis()))) {
                return true;
            }
        }
    }

    @Override
    public boolean release(String namespace, String key, String owner) {
        Key k = new Key(namespace, key);
        while (true) {
            Entry old = map.get(k);
            if (old == null || !ownedBy(old, owner, clock.millis())) {
                return false;
            }
            if (map.remove(k, old)) {
                return true;
            }
        }
    }

    @Override
    public boolean renew(String namespace, String key, String owner, Duration lease) {
        Key k = new Key(namespace, key);
        while (true) {
            Entry old = map.get(k);
            long now = clock.millis();
            if (old == null || !ownedBy(old, owner, now)) {
                return false;
            }
            if (map.replace(k, old, new Entry(old.record, now + lease.toMillis()))) {
                return true;
            }
        }
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
