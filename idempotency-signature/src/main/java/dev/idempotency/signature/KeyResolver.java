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

    /** The keys for this key id; empty when it is unknown. Never null. */
    List<VerificationKey> keys(String keyId);

    /** A fixed map of key ids to their keys. */
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
