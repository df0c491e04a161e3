package dev.idempotency.spi;

import java.time.Duration;

/**
 * Where claims and results live. Every operation is atomic with respect to one record, which is named by a
 * namespace and a key; how the two are laid out is the store's business.
 *
 * <p>A record is either <em>in progress</em> (a claim: an owner token, the payload fingerprint, a lease) or
 * <em>completed</em> (the fingerprint and the {@link Outcome}, kept for a ttl). The runtime drives every call through
 * it: {@link #claim} before the method runs; while it runs, {@link #renew} once a third of the lease has passed; then
 * {@link #complete} with the outcome, or {@link #release} when the method failed and its key is given up. A call
 * whose claim finds a completed record replays it; one that finds a live claim is refused or waits, polling
 * {@link #read}.
 *
 * <p>Ownership: a claim carries an owner token that is unique to one call. {@link #complete}, {@link #release} and
 * {@link #renew} act only while the stored record is still in progress under that owner and its lease is alive, so a
 * holder whose lease lapsed and was taken over can never overwrite or delete the new owner's record.
 *
 * <p>Expiry: every record a store writes expires: an in-progress claim when its lease runs out, a completed record
 * after its ttl. A store that keeps time itself uses the clock it was created with
 * ({@link IdempotencyStoreProvider#create}); one on a server may use the server's.
 *
 * <p>Failures: implementations signal an unreachable or misbehaving backend with
 * {@link dev.idempotency.IdempotencyStoreException}, setting its {@code unreachable} flag only when the backend could
 * not be reached at all (only then may a {@code failOpen} runtime run the method unprotected); any other
 * {@link RuntimeException} is reported as a store that answered wrongly. Either way the method does not run.
 *
 * <p>Life cycle and threads: one store instance serves every call of its runtime at once, from the calling threads
 * and from the runtime's own (lease renewals, retried completions), so it must be thread-safe. Building a store must
 * not touch the network: it connects on its first operation, so that a backend that is down fails calls (closed),
 * not the application's start. The runtime that uses a store closes it with itself.
 *
 * <p>Implementing a store: implement the six abstract operations, override the optional ones where the backend can do
 * better, and register an {@link IdempotencyStoreProvider} so that the store can be chosen by URI. The contract
 * suite {@code dev.idempotency.testkit.StoreSuite} in {@code idempotency-testkit} checks a store against this
 * contract (atomic claim-or-read, owner-checked complete, release and renew, takeover after the lease, expiry after the
 * ttl); extend it in the store's tests:
 *
 * <pre>{@code
 * public final class MapStore implements IdempotencyStore {
 *     // one record per (namespace, key), with its expiry; a real store keeps them in its backend
 *     private final Map<List<String>, Entry> records = new ConcurrentHashMap<>();
 *     private final Clock clock;
 *
 *     public MapStore(Clock clock) {
 *         this.clock = clock;
 *     }
 *
 *     private record Entry(StoredRecord record, long expiresAt) {
 *         boolean live(long now) {
 *             return expiresAt > now;
 *         }
 *     }
 *
 *     @Override
 *     public ClaimResult claim(String namespace, String key, String owner, String fingerprint, Duration lease) {
 *         long now = clock.millis();
 *         Entry mine = new Entry(StoredRecord.inProgress(owner, fingerprint), now + lease.toMillis());
 *         boolean[] takeover = {false};
 *         Entry held = records.compute(List.of(namespace, key), (k, old) -> {
 *             if (old != null && old.live(now)) {
 *                 return old;                              // a live record: leave it as it is
 *             }
 *             takeover[0] = old != null && !old.record().isCompleted();
 *             return mine;
 *         });
 *         return held == mine ? ClaimResult.claimed(takeover[0]) : ClaimResult.found(held.record());
 *     }
 *
 *     @Override
 *     public boolean complete(String namespace, String key, String owner, Outcome outcome, Duration ttl) {
 *         return replaceOwn(namespace, key, owner, held -> new Entry(
 *                 StoredRecord.completed(held.record().fingerprint(), outcome), clock.millis() + ttl.toMillis()));
 *     }
 *
 *     @Override
 *     public boolean release(String namespace, String key, String owner) {
 *         return replaceOwn(namespace, key, owner, held -> null);
 *     }
 *
 *     @Override
 *     public boolean renew(String namespace, String key, String owner, Duration lease) {
 *         return replaceOwn(namespace, key, owner,
 *                 held -> new Entry(held.record(), clock.millis() + lease.toMillis()));
 *     }
 *
 *     // applies the change only to a live claim of this owner, atomically
 *     private boolean replaceOwn(String namespace, String key, String owner, UnaryOperator<Entry> change) {
 *         boolean[] done = {false};
 *         records.computeIfPresent(List.of(namespace, key), (k, held) -> {
 *             if (!held.live(clock.millis()) || !owner.equals(held.record().owner())) {
 *                 return held;
 *             }
 *             done[0] = true;
 *             return change.apply(held);
 *         });
 *         return done[0];
 *     }
 *
 *     @Override
 *     public StoredRecord read(String namespace, String key) {
 *         Entry held = records.get(List.of(namespace, key));
 *         return held != null && held.live(clock.millis()) ? held.record() : null;
 *     }
 * }
 *
 * // in the store's tests
 * class MapStoreContractTest extends StoreSuite {
 *     private final MutableClock clock = new MutableClock();   // idempotency-testkit's movable Clock
 *
 *     @Override
 *     protected IdempotencyStore newStore() {
 *         return new MapStore(clock);
 *     }
 *
 *     @Override
 *     protected void elapse(Duration duration) {
 *         clock.advance(duration);
 *     }
 * }
 * }</pre>
 *
 * The example keeps expired records until they are claimed again; a real store removes them (the backend's own
 * expiry, or a sweep). {@link ForwardingIdempotencyStore} is the base for a store that wraps another one.
 */
public interface IdempotencyStore extends AutoCloseable {

    /**
     * Claims the key if it is free, or if it is in progress with an expired lease (a takeover); otherwise returns
     * the live record, in progress or completed, unchanged. One atomic step: of concurrent claims of a free key,
     * exactly one succeeds.
     *
     * @param namespace   the namespace of the method or operation; never {@code null} or blank
     * @param key         the evaluated key: 1 to 255 characters of well-formed text without control characters, but
     *                    otherwise chosen by the caller; a store that embeds it in its own key syntax should hash it
     *                    (see {@link Sha256})
     * @param owner       the token of this call, unique across processes; the later operations of the call name it
     * @param fingerprint the payload fingerprint, to be stored and given back unchanged in
     *                    {@link StoredRecord#fingerprint()}; opaque to the store. A store that is not
     *                    {@link #inProcess()} always receives short printable ASCII (a hash)
     * @param lease       how long the claim holds unless renewed; positive, at least one millisecond
     * @return {@link ClaimResult.Claimed} if the claim was written (with {@code takeover} true when it replaced an
     *         expired claim), or {@link ClaimResult.Found} with the live record that kept it from being written
     * @throws dev.idempotency.IdempotencyStoreException if the backend failed; nothing may then be assumed written
     */
    ClaimResult claim(String namespace, String key, String owner, String fingerprint, Duration lease);

    /**
     * Replaces our in-progress claim by the completed record, kept for {@code ttl}. False if the claim is no longer
     * ours: taken over after its lease lapsed, released, or expired.
     *
     * @param namespace the namespace the claim was made in
     * @param key       the claimed key
     * @param owner     the owner token the claim was made with
     * @param outcome   what the call produced, to be given back unchanged in {@link StoredRecord#outcome()}; a
     *                  {@linkplain Outcome#isLive() live} outcome only for an {@link #inProcess()} store
     * @param ttl       how long the completed record is kept from now; positive, at least one millisecond
     * @return {@code true} if the record was completed; {@code false} if the claim was not ours any more, and nothing
     *         was written
     * @throws dev.idempotency.IdempotencyStoreException if the backend failed; the runtime then retries later while
     *                                                   the claim's lease lasts
     */
    boolean complete(String namespace, String key, String owner, Outcome outcome, Duration ttl);

    /**
     * Deletes our in-progress claim, so that the key is free at once (the call failed and is not remembered). False if
     * it is no longer ours.
     *
     * @param namespace the namespace the claim was made in
     * @param key       the claimed key
     * @param owner     the owner token the claim was made with
     * @return {@code true} if the claim was deleted; {@code false} if it was not ours any more, and nothing changed
     * @throws dev.idempotency.IdempotencyStoreException if the backend failed; the claim then ends with its lease
     */
    boolean release(String namespace, String key, String owner);

    /**
     * Extends our in-progress claim to {@code lease} from now. False if it is no longer ours. Called by the runtime's
     * lease renewal, not on the calling thread.
     *
     * @param namespace the namespace the claim was made in
     * @param key       the claimed key
     * @param owner     the owner token the claim was made with
     * @param lease     the new lease, counted from now; positive, at least one millisecond
     * @return {@code true} if the lease was extended; {@code false} if the claim was not ours any more (the runtime
     *         then reports the lease as lost)
     * @throws dev.idempotency.IdempotencyStoreException if the backend failed
     */
    boolean renew(String namespace, String key, String owner, Duration lease);

    /**
     * The live record for the key, or {@code null} if there is none (never written, expired or released). Used to
     * poll a claim that a waiting call ({@link dev.idempotency.OnInProgress#WAIT}) waits for.
     *
     * @param namespace the namespace of the method or operation
     * @param key       the key
     * @return the live record, in progress or completed, or {@code null}
     * @throws dev.idempotency.IdempotencyStoreException if the backend failed
     */
    StoredRecord read(String namespace, String key);

    /**
     * How long the completed record {@code record}, which {@link #claim} or {@link #read} has just returned for the
     * key, stays in the store from now; {@code null} when the store cannot tell (the record is gone or changed, or the
     * store keeps no expiry it can read). The runtime asks only for a record that it would keep in its near cache and
     * whose {@link StoredRecord#expiresAt()} the store did not fill; it may cost a round trip, once per key. A failure
     * here only keeps the record out of the near cache.
     *
     * @param namespace the namespace of the record
     * @param key       the key of the record
     * @param record    the completed record as just returned for the key
     * @return the time the record has left, or {@code null} if unknown; the default is {@code null}
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
     *
     * @param namespace the namespace the claim was made in
     * @param key       the claimed key
     * @param owner     the owner token the claim was made with
     * @return whether the claim belongs to the caller's transaction; the default is {@code false}
     */
    default boolean claimedInTransaction(String namespace, String key, String owner) {
        return false;
    }

    /**
     * Whether records stay inside this JVM as objects. The engine then hands immutable results over as they are
     * ({@link Outcome#live}), saving an encode per first call and a decode per replay; stores that write records
     * elsewhere leave this false and always receive encoded outcomes. The engine asks once, when it is built.
     *
     * @return whether this store keeps its records in this JVM; the default is {@code false}
     */
    default boolean inProcess() {
        return false;
    }

    /**
     * A short description for logs and error messages, without secrets, e.g. {@code memory(maxEntries=100000)}.
     * {@link Options#redact} masks the secrets of a store URI.
     *
     * @return the description; the default is the class's simple name
     */
    default String describe() {
        return getClass().getSimpleName();
    }

    /**
     * Releases what the store holds (connections, pools, threads, memory). Called by the runtime that uses the store
     * when it is closed or replaced; a store must not close a client or data source that was handed to it, which
     * stays its owner's. The default does nothing. Unlike {@link AutoCloseable#close()}, it throws no checked
     * exception.
     */
    @Override
    default void close() {
    }
}
