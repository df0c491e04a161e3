package dev.idempotency.signature;

import dev.idempotency.spi.ClaimResult;
import dev.idempotency.spi.IdempotencyStore;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Base64;
import java.util.UUID;

/**
 * A {@link NonceRegistry} on the library's {@link IdempotencyStore}, so that servers sharing a Redis or database
 * store share their nonces. It lives in the tests because this module must not depend on core; a web adapter that
 * has core (the servlet filter, the Spring starter) can ship it as it is.
 *
 * <p>A nonce is a claim that is never completed: it holds for its lease (the ttl) and is then free again, which is
 * exactly a nonce's life. The key is the SHA-256 of key id and nonce (fixed length, no separator to confuse, nothing
 * of the client's in the store's key space); the namespace keeps nonces apart from idempotency records.
 */
final class StoreNonceRegistry implements NonceRegistry {

    static final String NAMESPACE = "signature-nonce";

    private final IdempotencyStore store;

    StoreNonceRegistry(IdempotencyStore store) {
        this.store = store;
    }

    @Override
    public boolean claimOnce(String keyId, String nonce, Duration ttl) {
        return store.claim(NAMESPACE, key(keyId, nonce), UUID.randomUUID().toString(), "", ttl)
                instanceof ClaimResult.Claimed;
    }

    static String key(String keyId, String nonce) {
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            sha256.update(keyId.getBytes(StandardCharsets.UTF_8));
            sha256.update((byte) 0);
            return Base64.getUrlEncoder().withoutPadding().encodeToString(sha256.digest(nonce.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
