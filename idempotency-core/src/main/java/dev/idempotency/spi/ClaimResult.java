package dev.idempotency.spi;

import java.util.Objects;

/**
 * What {@link IdempotencyStore#claim} found: the key is now ours ({@link Claimed}), or somebody's record is there
 * ({@link Found}). A store answers with {@link #claimed(boolean)} or {@link #found(StoredRecord)}; the runtime tells the
 * two apart with a pattern:
 *
 * <pre>{@code
 * if (store.claim(namespace, key, owner, fingerprint, lease) instanceof ClaimResult.Found found) {
 *     StoredRecord record = found.record();   // completed: replay it; in progress: reject or wait
 * }
 * }</pre>
 */
public sealed interface ClaimResult {

    /**
     * The claim is ours. {@code takeover} is true when it replaced an in-progress claim whose lease had expired,
     * as far as the store can tell (a store whose claims vanish when their lease ends reports false).
     *
     * @param takeover whether the claim replaced an expired claim of another owner
     */
    record Claimed(boolean takeover) implements ClaimResult {
    }

    /**
     * A live record exists (in progress with a live lease, or completed); nothing was written.
     *
     * @param record the live record, as the store holds it
     */
    record Found(StoredRecord record) implements ClaimResult {
        /**
         * Checks the record.
         *
         * @param record the live record, as the store holds it
         * @throws NullPointerException if {@code record} is {@code null}
         */
        public Found {
            Objects.requireNonNull(record, "record");
        }
    }

    /** A fresh claim of a free key: {@code Claimed(false)}, shared. */
    ClaimResult CLAIMED = new Claimed(false);
    /** A claim that replaced an expired claim: {@code Claimed(true)}, shared. */
    ClaimResult TAKEN_OVER = new Claimed(true);

    /**
     * The claim is ours; allocates nothing.
     *
     * @param takeover whether the claim replaced an expired claim of another owner
     * @return {@link #TAKEN_OVER} or {@link #CLAIMED}
     */
    static ClaimResult claimed(boolean takeover) {
        return takeover ? TAKEN_OVER : CLAIMED;
    }

    /**
     * A live record kept the claim from being written.
     *
     * @param record the live record, in progress or completed; not {@code null}
     * @return a {@link Found} of the record
     * @throws NullPointerException if {@code record} is {@code null}
     */
    static ClaimResult found(StoredRecord record) {
        return new Found(record);
    }
}
