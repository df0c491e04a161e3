package dev.idempotency.spi;

import java.time.Duration;

/**
 * Where claims and results live. Every operation is atomic with respect to one record, which is named by a
 * namespace and a key; how the two are laid out is the store's business.
 *
 * <p>Ownership: a claim carries an owner token that is unique to one call. {@link #complete}, {@link #release} and
 * {@link #renew} act only while the stored record is still in progress under that owner and its lease is alive, so a
 * holder whose lease lapsed and was taken over can never overwrite or delete the new owner's record.
 *
 * <p>Expiry: every record a store writes expires: an in-progress claim when its lease runs out, a completed record
 * after its ttl. Implementations signal an unreachable or misbehaving backend with
 * {@link dev.idempotency.IdempotencyStoreException}; the engine then does not run the method.
 */
public interface IdempotencyStore extends AutoCloseable {

    /**
     * Claims the key if it is free, or if it is in progress with an expired lease (a takeover); otherwise returns
     * the live record, in progress or completed, unchanged. One atomic step.
     */
    ClaimResult claim(String namespace, String key, String owner, String fingerprint, Duration lease);

    /** Replaces our in-progress claim by the completed record, kept for {@code ttl}. False if the claim is no longer ours. */
    boolean complete(String namespace, String key, String owner, Outcome outcome, Duration ttl);

    /** Deletes our in-progress claim. False if it is no longer ours. */
    boolean release(String namespace, String key, String owner);

    /** Extends our in-progress claim to {@code lease} from now. False if it is no longer ours. */
    boolean renew(String namespace, String key, String owner, Duration lease);

    /** The live record for the key, or {@code null} if there is none (never written, expired or released). */
    StoredRecord read(String namespace, String key);

    /**
     * How long the completed record {@code record}, which {@link #claim} or {@link #read} has just returned for the
     * key, stays in the store from now; {@code null} when the store cannot tell (the record is gone or changed, or the
     * store keeps no expiry it can read). The runtime asks only for a record that it would keep in its near cache and
     * whose {@link StoredRecord#expiresAt()} the store did not fill; it may cost a round trip, once per key.
     */
    default Duration remainingTtl(String namespace, String key, StoredRecord record) {
        return null;
    }

    /**
     * Whether the claim of {@code owner} was written in the caller's own database transaction (a database store in
     * transactional mode), so that completing or releasing it commits or rolls back with that transaction: the engine
     * then does so at once. Otherwise, when the call runs inside a transaction (Spring's, or an
     * {@code IdempotencyTransaction}), the engine records the outcome only after that transaction commits, and gives
     * the key up if it rolls back.
     */
    default boolean claimedInTransaction(String namespace, String key, String owner) {
        return false;
    }

    /**
     * Whether records stay inside this JVM as objects. The engine then hands immutable results over as they are
     * ({@link Outcome#live}), saving an encode per first call and a decode per replay; stores that write records
     * elsewhere leave this false and always receive encoded outcomes.
     */
    default boolean inProcess() {
        return false;
    }

    /** A short description for logs, without secrets, e.g. {@code memory(maxEntries=100000)}. */
    default String describe() {
        return getClass().getSimpleName();
    }

    @Override
    default void close() {
    }
}
