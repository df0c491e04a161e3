package dev.idempotency.spi;

import java.util.Objects;

/**
 * A record as a store holds it.
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

    /** A record whose expiry the store does not tell. */
    public StoredRecord(String owner, String fingerprint, Outcome outcome) {
        this(owner, fingerprint, outcome, UNKNOWN_EXPIRY);
    }

    public static StoredRecord inProgress(String owner, String fingerprint) {
        return new StoredRecord(Objects.requireNonNull(owner, "owner"), fingerprint, null);
    }

    public static StoredRecord completed(String fingerprint, Outcome outcome) {
        return new StoredRecord(null, fingerprint, Objects.requireNonNull(outcome, "outcome"));
    }

    /** A completed record that the store drops at {@code expiresAt} (epoch milliseconds by the runtime's clock). */
    public static StoredRecord completed(String fingerprint, Outcome outcome, long expiresAt) {
        return new StoredRecord(null, fingerprint, Objects.requireNonNull(outcome, "outcome"), expiresAt);
    }

    public boolean isCompleted() {
        return outcome != null;
    }

    /** Whether the store said when this record expires ({@link #expiresAt()}). */
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
