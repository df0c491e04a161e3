package dev.idempotency.servlet;

import dev.idempotency.core.IdempotencyRuntime;
import dev.idempotency.signature.NonceRegistry;
import dev.idempotency.spi.ClaimResult;
import dev.idempotency.spi.Sha256;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * The nonces of signed requests, remembered in the runtime's store, so that every server sharing the store (Redis, a
 * database) refuses a second use, also when the two copies arrive at the same moment: a nonce is a key claimed with
 * the store's one atomic step, and its claim is simply left to expire after {@code ttl}. Key id and nonce are hashed
 * together (the client chooses both), so neither can reach the store's key syntax.
 */
final class StoreNonces implements NonceRegistry {

    /** The namespace of the nonces' records. */
    static final String NAMESPACE = "signature-nonces";

    private final Supplier<IdempotencyRuntime> runtime;

    StoreNonces(Supplier<IdempotencyRuntime> runtime) {
        this.runtime = runtime;
    }

    @Override
    public boolean claimOnce(String keyId, String nonce, Duration ttl) {
        byte[] digest = Sha256.of((keyId + "\u0000" + nonce).getBytes(StandardCharsets.UTF_8));
        String key = HexFormat.of().formatHex(digest);
        ClaimResult result = runtime.get().store().claim(NAMESPACE, key, UUID.randomUUID().toString(), "-", ttl);
        return result instanceof ClaimResult.Claimed;
    }
}
