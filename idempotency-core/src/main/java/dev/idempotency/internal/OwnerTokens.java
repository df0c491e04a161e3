package dev.idempotency.internal;

import java.security.SecureRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Owner tokens unique to one call across processes: a random per-process prefix and a counter. Cheaper than a
 * random UUID per call, and as unique: two processes share a prefix with chance 2^-64.
 */
final class OwnerTokens {
    private final String prefix;
    private final AtomicLong counter = new AtomicLong();

    OwnerTokens() {
        byte[] bytes = new byte[8];
        new SecureRandom().nextBytes(bytes);
        StringBuilder sb = new StringBuilder(17);
        for (byte b : bytes) {
            sb.append(Character.forDigit((b >> 4) & 0xF, 16)).append(Character.forDigit(b & 0xF, 16));
        }
        this.prefix = sb.append('-').toString();
    }

    String next() {
        return prefix.concat(Long.toString(counter.incrementAndGet(), 36));
    }
}
