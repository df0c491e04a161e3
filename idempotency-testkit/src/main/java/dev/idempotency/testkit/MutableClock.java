package dev.idempotency.testkit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A clock that moves only when told to, so that ttl and lease tests need no sleeping. Always in UTC, with millisecond
 * precision; safe for use by several threads at once.
 *
 * <pre>{@code
 * MutableClock clock = new MutableClock();
 * MemoryStore store = new MemoryStore(clock, 10_000);
 * store.claim("ns", "k", "owner", "fp", Duration.ofSeconds(30));
 * clock.advance(Duration.ofSeconds(31));          // the lease has run out: another owner may take the key over
 * }</pre>
 */
public final class MutableClock extends Clock {
    private final AtomicLong millis;

    /** A clock that stands at 2026-01-01T00:00:00Z until it is advanced. */
    public MutableClock() {
        this(Instant.parse("2026-01-01T00:00:00Z"));
    }

    /**
     * A clock that stands at {@code start} until it is advanced.
     *
     * @param start the first instant, truncated to the millisecond
     */
    public MutableClock(Instant start) {
        this.millis = new AtomicLong(start.toEpochMilli());
    }

    /**
     * Moves the clock on.
     *
     * @param by how far, truncated to the millisecond; a negative duration moves the clock back
     */
    public void advance(Duration by) {
        millis.addAndGet(by.toMillis());
    }

    @Override
    public long millis() {
        return millis.get();
    }

    @Override
    public Instant instant() {
        return Instant.ofEpochMilli(millis.get());
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException("a MutableClock is always UTC");
    }
}
