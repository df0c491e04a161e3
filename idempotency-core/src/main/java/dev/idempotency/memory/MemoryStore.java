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
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The in-process store: bounded, expiring, atomic per key.
 *
 * <p>Completed records live in a Caffeine cache with a per-record expiry; claims in progress live beside it in a plain
 * concurrent map, as many as there are calls running. A first execution so writes the bounded cache once, when it
 * completes, and a replay reads it without a lock. A claim and its completion are atomic per key: a claim is written
 * only where no live record is, and gives way to a record completed while it was being written; completing moves the
 * claim's record into the cache under the claim's own lock, so no claim of the key can be written in between.
 *
 * <p>It protects one JVM only, and its bound is a real limit: when more than {@code maxEntries} completed records are
 * live (it lets them grow past that by a sixty-fourth, at most 10,000, before trimming back), those that expire soonest
 * are evicted early, and a key evicted before its ttl can run again. Size it for the number of calls per ttl, or use a
 * shared store.
 *
 * <p>It is the default store ({@code memory:}), and is chosen by URI with a bound as {@code memory:?maxEntries=50000};
 * in code:
 *
 * <pre>{@code
 * MutableClock clock = new MutableClock();                 // idempotency-testkit's test clock, or Clock.systemUTC()
 * IdempotencyRuntime runtime = IdempotencyRuntime.create(IdempotencyConfig.builder()
 *         .store(new MemoryStore(clock, 50_000))
 *         .clock(clock)
 *         .build());
 * }</pre>
 *
 * Times are read from the store's clock, in milliseconds; give it the runtime's clock. The store is thread-safe. Its
 * records are kept as objects ({@link #inProcess()} is true) and are lost when the JVM stops or the store is closed.
 */
public final class MemoryStore implements IdempotencyStore {

    /** The bound on completed records of {@code memory:} and of {@link #MemoryStore()}: 100,000. */
    public static final long DEFAULT_MAX_ENTRIES = 100_000;
    /** How long an expired claim is kept, so that a takeover can be told from a fresh claim. */
    private static final long TAKEOVER_GRACE_MILLIS = 60_000;
    /** The most slots reserved up front (a store with a larger bound grows its table past this as it fills). */
    private static final long MAX_INITIAL_CAPACITY = 1 << 20;
    /** Claims written between two sweeps of claims expired for longer than the grace. */
    private static final int SWEEP_EVERY = 4096;

    private final Clock clock;
    private final long maxEntries;
    private final Cache<Key, Done> cache;
    private final ConcurrentMap<Key, Done> done;
    private final com.github.benmanes.caffeine.cache.Policy<Key, Done> policy;
    /** The cache's records by expiry, soonest first: the bound evicts from there. */
    private final com.github.benmanes.caffeine.cache.Policy.VarExpiration<Key, Done> expiring;
    /** How far past the bound the cache may grow before it is trimmed back to it: a trim per that many records. */
    private final long slack;
    private final java.util.concurrent.locks.ReentrantLock trimming = new java.util.concurrent.locks.ReentrantLock();
    private final ConcurrentHashMap<Key, Claim> claims = new ConcurrentHashMap<>();
    /** Counts claims towards the next sweep; racy on purpose (a sweep a little early or late does not matter). */
    private int claimsSinceSweep;

    /** A store on the system clock (UTC), bounded at {@link #DEFAULT_MAX_ENTRIES} completed records. */
    public MemoryStore() {
        this(Clock.systemUTC(), DEFAULT_MAX_ENTRIES);
    }

    /**
     * A store on the given clock, with the given bound.
     *
     * @param clock      the clock leases and ttls are measured by; the runtime's, so that a test clock moves both
     * @param maxEntries the number of live completed records kept before those that expire soonest are evicted
     *                   (claims in progress are not counted); positive
     * @throws NullPointerException     if {@code clock} is {@code null}
     * @throws IllegalArgumentException if {@code maxEntries} is not positive
     */
    public MemoryStore(Clock clock, long maxEntries) {
        this.clock = Objects.requireNonNull(clock, "clock");
        if (maxEntries <= 0) {
            throw new IllegalArgumentException("maxEntries must be positive, but was " + maxEntries);
        }
        this.maxEntries = maxEntries;
        this.cache = Caffeine.newBuilder()
                // a table sized for the bound up front: a store filling towards it never stops to rehash
                .initialCapacity((int) Math.min(maxEntries, MAX_INITIAL_CAPACITY))
                .ticker(() -> clock.millis() * 1_000_000L)
                .expireAfter(new DoneExpiry())
                .executor(Runnable::run)
                .build();
        this.done = cache.asMap();
        this.policy = cache.policy();
        this.expiring = policy.expireVariably().orElseThrow();
        this.slack = Math.max(1, Math.min(maxEntries / 64, 10_000));
    }

    /** Keys are namespace and key together; the pair avoids building a joined string per call. */
    private record Key(String namespace, String key) {
    }

    /** A completed record, its absolute expiry in clock milliseconds, and the answer a claim gives for it, made once. */
    private static final class Done {
        final StoredRecord record;
        final long expiresAt;
        final ClaimResult found;

        Done(StoredRecord record, long expiresAt) {
            this.record = record;
            this.expiresAt = expiresAt;
            this.found = ClaimResult.found(record);
        }

        boolean liveAt(long now) {
            return expiresAt > now;
        }
    }

    /** A claim in progress and the end of its lease, in clock milliseconds. Never changed: renewing replaces it. */
    private static final class Claim {
        final StoredRecord record;
        final long expiresAt;
        /** Set by the claim that wrote this one, before it is published: it replaced an expired claim. */
        boolean takeover;

        Claim(StoredRecord record, long expiresAt) {
            this.record = record;
            this.expiresAt = expiresAt;
        }

        boolean liveAt(long now) {
            return expiresAt > now;
        }

        boolean ownedBy(String owner, long now) {
            return liveAt(now) && owner.equals(record.owner());
        }
    }

    private static final class DoneExpiry implements Expiry<Key, Done> {
        @Override
        public long expireAfterCreate(Key key, Done entry, long currentTime) {
            return Math.max(0, entry.expiresAt * 1_000_000L - currentTime);
        }

        @Override
        public long expireAfterUpdate(Key key, Done entry, long currentTime, long currentDuration) {
            return expireAfterCreate(key, entry, currentTime);
        }

        @Override
        public long expireAfterRead(Key key, Done entry, long currentTime, long currentDuration) {
            return currentDuration;
        }
    }

    @Override
    public ClaimResult claim(String namespace, String key, String owner, String fingerprint, Duration lease) {
        Key k = new Key(namespace, key);
        long now = clock.millis();
        // A completed record does not change until it expires: answer a replay without taking a lock.
        Done found = completed(k);
        if (found != null) {
            return found.found;
        }
        Claim mine = new Claim(StoredRecord.inProgress(owner, fingerprint), now + lease.toMillis());
        Claim held = claims.putIfAbsent(k, mine);
        if (held != null) {
            if (held.liveAt(now)) {
                return ClaimResult.found(held.record);
            }
            StoredRecord record = mine.record;
            held = claims.compute(k, (ignored, old) -> {
                long at = clock.millis();
                if (old != null && old.liveAt(at)) {
                    return old;
                }
                Claim claim = new Claim(record, at + lease.toMillis());
                claim.takeover = old != null;
                return claim;
            });
            if (held.record != record) {
                return ClaimResult.found(held.record);
            }
            mine = held;
        }
        // A record completed after the lookup above, by the claim that was here before ours: ours gives way to it.
        found = completed(k);
        if (found != null) {
            claims.remove(k, mine);
            return found.found;
        }
        if (++claimsSinceSweep >= SWEEP_EVERY) {
            claimsSinceSweep = 0;
            sweep(now);
        }
        return ClaimResult.claimed(mine.takeover);
    }

    /**
     * The live completed record of the key, or null; read without counting as a use: which records the bound evicts
     * depends on their expiry alone, and replays of one key from many threads write nothing shared.
     */
    private Done completed(Key k) {
        Done found = policy.getIfPresentQuietly(k);
        return found != null && found.liveAt(clock.millis()) ? found : null;
    }

    /**
     * Brings the cache back to its bound by evicting the records that expire soonest: those are the oldest of a ttl,
     * whose retries are least likely to come (a cache's own policy would keep what is read often, and evict a record
     * completed a moment ago that nobody has replayed yet). One thread trims; the others go on.
     */
    private void trim() {
        if (!trimming.tryLock()) {
            return;
        }
        try {
            long excess = cache.estimatedSize() - maxEntries;
            while (excess > 0) {
                int batch = (int) Math.min(excess, 10_000);
                for (Map.Entry<Key, Done> soonest : expiring.oldest(batch).entrySet()) {
                    done.remove(soonest.getKey(), soonest.getValue());
                }
                long left = cache.estimatedSize() - maxEntries;
                if (left >= excess) {
                    return; // nothing could be evicted (a concurrent clear): do not spin
                }
                excess = left;
            }
        } finally {
            trimming.unlock();
        }
    }

    /** Drops claims whose lease ended more than the grace ago: their holders are gone. */
    private void sweep(long now) {
        claims.forEach((k, claim) -> {
            if (claim.expiresAt + TAKEOVER_GRACE_MILLIS <= now) {
                claims.remove(k, claim);
            }
        });
    }

    /**
     * The live completed record of the key, or {@code null} (none, in progress, or expired): one lock-free lookup,
     * for a caller that wants to answer a replay before it makes anything a claim would need. The runtime uses it to
     * answer replays from this store before it makes an owner token or a fingerprint string.
     *
     * @param namespace the namespace of the record
     * @param key       the key of the record
     * @return the completed record, or {@code null}
     */
    public StoredRecord completed(String namespace, String key) {
        Done found = completed(new Key(namespace, key));
        return found != null ? found.record : null;
    }

    @Override
    public boolean complete(String namespace, String key, String owner, Outcome outcome, Duration ttl) {
        boolean[] recorded = new boolean[1];
        claims.computeIfPresent(new Key(namespace, key), (k, claim) -> {
            long now = clock.millis();
            if (!claim.ownedBy(owner, now)) {
                return claim;
            }
            // under the claim's lock: no claim of the key can be written until the record is in the cache
            done.put(k, new Done(StoredRecord.completed(claim.record.fingerprint(), outcome), now + ttl.toMillis()));
            recorded[0] = true;
            return null;
        });
        if (recorded[0] && cache.estimatedSize() > maxEntries + slack) {
            trim();
        }
        return recorded[0];
    }

    @Override
    public boolean release(String namespace, String key, String owner) {
        boolean[] released = new boolean[1];
        claims.computeIfPresent(new Key(namespace, key), (k, claim) -> {
            if (!claim.ownedBy(owner, clock.millis())) {
                return claim;
            }
            released[0] = true;
            return null;
        });
        return released[0];
    }

    @Override
    public boolean renew(String namespace, String key, String owner, Duration lease) {
        boolean[] renewed = new boolean[1];
        claims.computeIfPresent(new Key(namespace, key), (k, claim) -> {
            long now = clock.millis();
            if (!claim.ownedBy(owner, now)) {
                return claim;
            }
            renewed[0] = true;
            return new Claim(claim.record, now + lease.toMillis());
        });
        return renewed[0];
    }

    @Override
    public StoredRecord read(String namespace, String key) {
        Key k = new Key(namespace, key);
        long now = clock.millis();
        Done found = completed(k);
        if (found != null) {
            return found.record;
        }
        Claim claim = claims.get(k);
        return claim != null && claim.liveAt(now) ? claim.record : null;
    }

    /**
     * Records held (completed, live or awaiting eviction, and claims), for tests and diagnostics.
     *
     * @return the number of records held, as the cache estimates it: completed records (expired ones included until
     *         they are evicted) plus claims
     */
    public long size() {
        return cache.estimatedSize() + claims.size();
    }

    /**
     * Runs pending evictions now, trims the completed records back to the bound, and drops claims whose lease ended
     * more than a minute ago. The store does this by itself as it is used; tests call it to see the result at once.
     */
    public void cleanUp() {
        cache.cleanUp();
        trim();
        sweep(clock.millis());
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
        done.clear();
        claims.clear();
    }
}
