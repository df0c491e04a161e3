package dev.idempotency.signature;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Finds the keys a signature's {@code keyid} stands for. A list, not one key, so that during a rotation the old and
 * the new key are both accepted: publish the new one, move the clients, then drop the old one.
 *
 * <p>Called once per verification; an implementation that looks keys up remotely should cache them.
 */
@FunctionalInterface
public interface KeyResolver {

    /**
     * The keys for this key id. Called concurrently from request threads, so an implementation must be thread-safe.
     *
     * @param keyId the {@code keyid} a signature names (or the legacy scheme's key id)
     * @return the keys valid for it; empty when it is unknown, never null
     */
    List<VerificationKey> keys(String keyId);

    /**
     * A fixed map of key ids to their keys. The map and its lists are copied.
     *
     * @param keys each key id to the keys valid for it
     * @return an immutable, thread-safe resolver; unknown key ids resolve to an empty list
     * @throws NullPointerException if the map, a key id or a list is null
     */
    static KeyResolver of(Map<String, List<VerificationKey>> keys) {
        Map<String, List<VerificationKey>> copy = new LinkedHashMap<>();
        keys.forEach((id, list) -> copy.put(Objects.requireNonNull(id, "key id"), List.copyOf(list)));
        return id -> copy.getOrDefault(id, List.of());
    }

    /**
     * Keys from settings {@code idempotency.signature.keys.<keyid>=<key>[,<key>...]}, each key
     * {@code hmac-sha256:<base64 secret>} or {@code ed25519:<base64 X.509 public key>}; a comma separates the
     * keys valid together during a rotation. Other settings are ignored. A bad value names the setting, never the
     * value.
     *
     * <pre>{@code
     * idempotency.signature.keys.client-1=hmac-sha256:c2VjcmV0LW9mLWNsaWVudC0x
     * idempotency.signature.keys.partner-7=ed25519:MCowBQYDK2VwAyEA...
     * }</pre>
     *
     * @param properties settings by name; names without the prefix are ignored
     * @return an immutable, thread-safe resolver of the keys found
     * @throws IllegalArgumentException if a setting names no key id or holds a value that is not a key
     */
    static KeyResolver fromProperties(Map<String, String> properties) {
        String prefix = "idempotency.signature.keys.";
        Map<String, List<VerificationKey>> keys = new LinkedHashMap<>();
        properties.forEach((name, value) -> {
            if (!name.startsWith(prefix)) {
                return;
            }
            String keyId = name.substring(prefix.length());
            if (keyId.isEmpty()) {
                throw new IllegalArgumentException(name + " names no key id");
            }
            List<VerificationKey> list = new ArrayList<>();
            for (String spec : value.split(",")) {
                try {
                    list.add(VerificationKey.parse(spec.trim()));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(name + ": " + e.getMessage());
                }
            }
            keys.put(keyId, list);
        });
        return of(keys);
    }
}
