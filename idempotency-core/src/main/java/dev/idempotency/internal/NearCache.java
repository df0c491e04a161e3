package dev.idempotency.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import dev.idempotency.spi.Outcome;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Completed records of a remote store, kept in the runtime so that a replay of one asks the store nothing. Bounded,
 * and each entry expires no later than its record does in the store (nor later than an optional maximum age), on the
 * runtime's ticker. Only completed records are ever put here: an in-progress record can change at any moment.
 *
 * <p>An entry holds the outcome as the store gave it, or, once a replay decoded it to an immutable value (or this
 * runtime completed the key with one), that value itself, so that later replays neither decode nor copy. Such a live
 * outcome is handed only to calls whose plan has the same result codec; any other decodes the JSON, as from the store.
 */
final class NearCache {

    /** Far enough for any ttl, near enough that adding it to the ticker cannot overflow. */
    private static final long MAX_LIFE_NANOS = Long.MAX_VALUE / 4;

    private final Cache<RecordKey, Entry> entries;
    private final LongSupplier ticker;
    private final long maxAgeNanos;
    /** Keys whose record was found in the store once, with no expiry it told (see {@link #seenBefore}). */
    private final Cache<RecordKey, Boolean> seen;

    NearCache(int maxEntries, Duration maxAge, LongSupplier ticker) {
        this.ticker = ticker;
        this.maxAgeNanos = maxAge == null ? Long.MAX_VALUE : maxAge.toNanos();
        this.seen = Caffeine.newBuilder().maximumSize(maxEntries).expireAfterWrite(Duration.ofMinutes(10))
                .ticker(ticker::getAsLong).executor(Runnable::run).build();
        this.entries = Caffeine.newBuilder()
                .maximumSize(maxEntries)
                .expireAfter(new Expiry<RecordKey, Entry>() {
                    @Override
                    public long expireAfterCreate(RecordKey key, Entry entry, long now) {
                        return Math.max(0, entry.expiresAtNanos - now);
                    }

                    @Override
                    public long expireAfterUpdate(RecordKey key, Entry entry, long now, long currentDuration) {
                        return Math.max(0, entry.expiresAtNanos - now);
                    }

                    @Override
                    public long expireAfterRead(RecordKey key, Entry entry, long now, long currentDuration) {
                        return currentDuration;
                    }
                })
                .ticker(ticker::getAsLong)
                .executor(Runnable::run)
                .build();
    }


    /** A completed record: its fingerprint, its outcome, the codec a live outcome belongs to, when it expires. */
    static final class Entry {
        final String fingerprint;
        final Outcome outcome;
        /** For a live outcome, the codec of the plan that made it; otherwise null. */
        final ResultCodec liveCodec;
        final long expiresAtNanos;

        Entry(String fingerprint, Outcome outcome, ResultCodec liveCodec, long expiresAtNanos) {
            this.fingerprint = fingerprint;
            this.outcome = outcome;
            this.liveCodec = liveCodec;
            this.expiresAtNanos = expiresAtNanos;
        }

        /** The outcome to replay for a call of a plan with {@code codec}. */
        Outcome outcomeFor(ResultCodec codec) {
            return liveCodec == null || liveCodec == codec ? outcome : Outcome.value(outcome.body());
        }
    }

    /**
     * Whether a record of the key was found in the store before (this runtime then asks the store when it expires, to
     * keep it); marks it found. Remembers as many keys as the cache holds records, for at most ten minutes.
     */
    boolean seenBefore(String namespace, String key) {
        RecordKey k = new RecordKey(namespace, key);
        return seen.asMap().remove(k) != null || seen.asMap().putIfAbsent(k, Boolean.TRUE) != null;
    }

    /** The live entry for the key, or null. */
    Entry get(String namespace, String key) {
        return entries.getIfPresent(new RecordKey(namespace, key));
    }

    /**
     * Keeps a completed record for at most {@code remainingNanos} from {@code since} on the ticker (and the maximum
     * age): nothing if that is already over.
     */
    void put(String namespace, String key, String fingerprint, Outcome outcome, ResultCodec liveCodec, long since,
             long remainingNanos) {
        long now = ticker.getAsLong();
        long expiresAt = since + Math.min(Math.min(remainingNanos, maxAgeNanos), MAX_LIFE_NANOS);
        if (expiresAt - now <= 0) {
            return;
        }
        entries.put(new RecordKey(namespace, key), new Entry(fingerprint, outcome, liveCodec, expiresAt));
    }

    /**
     * A replay of {@code replayed}, the outcome of the key's entry, decoded it to {@code value}: if the codec holds the
     * value as it is (an immutable type), the entry keeps that value from now on, with the same expiry.
     */
    void decoded(String namespace, String key, Outcome replayed, ResultCodec codec, Object value) {
        RecordKey k = new RecordKey(namespace, key);
        Entry entry = entries.getIfPresent(k);
        if (entry == null || entry.outcome != replayed) {
            return;
        }
        Outcome live = codec.live(value);
        if (live != null) {
            entries.asMap().replace(k, entry, new Entry(entry.fingerprint, live, codec, entry.expiresAtNanos));
        }
    }

    void invalidate(String namespace, String key) {
        entries.invalidate(new RecordKey(namespace, key));
    }

    /** How many entries are kept now, after pending evictions: for tests. */
    long size() {
        entries.cleanUp();
        return entries.estimatedSize();
    }
}
