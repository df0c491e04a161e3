package dev.idempotency.bridge;

import dev.idempotency.internal.Fingerprints;

/** What {@code IdempotencyKeys.contentHash} (in the api module, which has no dependencies) finds at run time. */
public final class ContentHashes {

    private ContentHashes() {
    }

    /** SHA-256 over the canonical form of the values, as 43 characters of base64url. */
    public static String of(Object[] values) {
        return Fingerprints.contentHash(values);
    }
}
