package dev.idempotency.matrix;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * The clock a row's store is built with, once: it reads whichever clock the current test gave the store, so one
 * store serves every test of the row while each test still moves its own clock.
 */
final class TestClockSwitch extends Clock {

    private volatile Clock current = Clock.systemUTC();

    void set(Clock clock) {
        current = clock;
    }

    @Override
    public long millis() {
        return current.millis();
    }

    @Override
    public Instant instant() {
        return current.instant();
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException("the grid's clocks are always UTC");
    }
}
