package dev.idempotency.spi;

import java.util.Objects;

/** What {@link IdempotencyStore#claim} found: the key is now ours, or somebody's record is there. */
public sealed interface ClaimResult {

    /**
     * The claim is ours. {@code takeover} is true when it replaced an in-progress claim whose lease had expired,
     * as far as the store can tell (a store whose claims vanish when their lease ends reports false).
     */
    record Claimed(boolean takeover) implements ClaimResult {
    }

    /** A live record exists (in progress with a live lease, or completed); nothing was written. */
    record Found(StoredRecord record) implements ClaimResult {
        public Found {
            Objects.requireNonNull(record, "record");
        }
    }

    ClaimResult CLAIMED = new Claimed(false);
    ClaimResult TAKEN_OVER = new Claimed(true);

    static ClaimResult claimed(boolean takeover) {
        return takeover ? TAKEN_OVER : CLAIMED;
    }

    static ClaimResult found(StoredRecord record) {
        return new Found(record);
    }
}
