package dev.idempotency.spi;

import java.util.Objects;

/**
 * A record as a store holds it.
 *
 * @param owner       the owner token of an in-progress claim; {@code null} once completed
 * @param fingerprint the payload fingerprint of the call that claimed the key
 * @param outcome     the stored outcome; {@code null} while in progress
 */
public record StoredRecord(String owner, String fingerprint, Outcome outcome) {

    public StoredRecord {
        Objects.requireNonNull(fingerprint, "fingerprint");
        if ((owner == null) == (outcome == null)) {
            throw new IllegalArgumentException("a record is either in progress (owner) or completed (outcome)");
        }
    }

    public static StoredRecord inProgress(String owner, String fingerprint) {
        return new StoredRecord(Objects.requireNonNull(owner, "owner"), fingerprint, null);
    }

    public static StoredRecord completed(String fingerprint, Outcome outcome) {
        return new StoredRecord(null, fingerprint, Objects.requireNonNull(outcome, "outcome"));
    }

    public boolean isCompleted() {
        return outcome != null;
    }
}
