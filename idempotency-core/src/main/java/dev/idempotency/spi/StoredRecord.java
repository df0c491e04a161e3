package dev.idempotency.spi;

import java.util.Objects;

/**
 * A record as a store holds it: either in progress (an {@code owner}, no {@code outcome}) or completed (an
 * {@code outcome}, no {@code owner}). Made with {@link #inProgress} and {@link #completed}; immutable.
 *
 * @param owner       the owner token of an in-progress claim; {@code null} once completed
 * @param fingerprint the payload fingerprint of the call that claimed the key
 * @param outcome     the stored outcome; {@code null} while in progress
 * @param expiresAt   when the store drops the record, in epoch milliseconds by the runtime's clock (never later than
 *                    the store will), or {@link #UNKNOWN_EXPIRY} when the store did not say. The runtime keeps a
 *                    completed record of a remote store in its near cache only when it knows this.
 */
public record StoredRecord(String owner, String fingerprint, Outcome outcome, long expiresAt) {

    /** {@link #expiresAt()} of a record whose store did not say when it expires. */
    public static final long UNKNOWN_EXPIRY = 0;

    /**
     * Checks the record's state.
     *
     * @param owner       the owner token of an in-progress claim; {@code null} once completed
     * @param fingerprint the payload fingerprint of the call that claimed the key; not {@code null}
     * @param outcome     the stored outcome; {@code null} while in progress
     * @param expiresAt   when the store drops the record, in epoch milliseconds, or {@link #UNKNOWN_EXPIRY}
     * @throws NullPointerException     if {@code fingerprint} is {@code null}
     * @throws IllegalArgumentException if both or neither of {@code owner} and {@code outcome} are given, or if
     *                                  {@code expiresAt} is negative
     */
    public StoredRecord {
        Objects.requireNonNull(fingerprint, "fingerprint");
        if ((owner == null) == (outcome == null)) {
            throw new IllegalArgumentException("a record is either in progress (owner) or completed (outcome)");
        }
        if (expiresAt < 0) {
            throw new IllegalArgumentException("expiresAt must be epoch milliseconds or UNKNOWN_EXPIRY (0), but was "
                    + expiresAt);
        }
    }

    /**
     * A record whose expiry the store does not tell ({@link #UNKNOWN_EXPIRY}).
     *
     * @param owner       the owner token of an in-progress claim; {@code null} once completed
     * @param fingerprint the payload fingerprint of the call that claimed the key; not {@code null}
     * @param outcome     the stored outcome; {@code null} while in progress
     * @throws NullPointerException     if {@code fingerprint} is {@code null}
     * @throws IllegalArgumentException if both or neither of {@code owner} and {@code outcome} are given
     */
    public StoredRecord(String owner, String fingerprint, Outcome outcome) {
        this(owner, fingerprint, outcome, UNKNOWN_EXPIRY);
    }

    /**
     * An in-progress claim, its expiry untold.
     *
     * @param owner       the owner token of the call that claimed the key; not {@code null}
     * @param fingerprint the payload fingerprint of that call; not {@code null}
     * @return the record
     * @throws NullPointerException if either argument is {@code null}
     */
    public static StoredRecord inProgress(String owner, String fingerprint) {
        return new StoredRecord(Objects.requireNonNull(owner, "owner"), fingerprint, null);
    }

    /**
     * A completed record, its expiry untold.
     *
     * @param fingerprint the payload fingerprint of the call that claimed the key; not {@code null}
     * @param outcome     what that call produced; not {@code null}
     * @return the record
     * @throws NullPointerException if either argument is {@code null}
     */
    public static StoredRecord completed(String fingerprint, Outcome outcome) {
        return new StoredRecord(null, fingerprint, Objects.requireNonNull(outcome, "outcome"));
    }

    /**
     * A completed record that the store drops at {@code expiresAt} (epoch milliseconds by the runtime's clock). A
     * store that can tell this saves the runtime a {@link IdempotencyStore#remainingTtl} question per key.
     *
     * @param fingerprint the payload fingerprint of the call that claimed the key; not {@code null}
     * @param outcome     what that call produced; not {@code null}
     * @param expiresAt   when the store drops the record, never later than it will, or {@link #UNKNOWN_EXPIRY}
     * @return the record
     * @throws NullPointerException     if {@code fingerprint} or {@code outcome} is {@code null}
     * @throws IllegalArgumentException if {@code expiresAt} is negative
     */
    public static StoredRecord completed(String fingerprint, Outcome outcome, long expiresAt) {
        return new StoredRecord(null, fingerprint, Objects.requireNonNull(outcome, "outcome"), expiresAt);
    }

    /**
     * Whether the record is completed rather than in progress.
     *
     * @return {@code true} if it holds an outcome
     */
    public boolean isCompleted() {
        return outcome != null;
    }

    /**
     * Whether the store said when this record expires ({@link #expiresAt()}).
     *
     * @return {@code false} if {@link #expiresAt()} is {@link #UNKNOWN_EXPIRY}
     */
    public boolean hasExpiry() {
        return expiresAt != UNKNOWN_EXPIRY;
    }

    /**
     * Records are equal when they hold the same state: {@link #expiresAt()} is what the store told when it was read (a
     * database's clock converted, a remaining ttl added to the time of the question), so two reads of one record may
     * tell it a few milliseconds apart.
     */
    @Override
    public boolean equals(Object o) {
        return o instanceof StoredRecord other && Objects.equals(owner, other.owner)
                && fingerprint.equals(other.fingerprint) && Objects.equals(outcome, other.outcome);
    }

    @Override
    public int hashCode() {
        return Objects.hash(owner, fingerprint, outcome);
    }
}
