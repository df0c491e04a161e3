package dev.idempotency.internal;

import java.security.SecureRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Owner tokens unique to one call across processes: a random per-process prefix and a counter. Cheaper than a
 * random UUID per call, and as unique: two processes share a prefix with chance 2^-64.
 */
final class OwnerTokens {
    private final byte[] prefix;
    private final AtomicLong counter = new AtomicLong();

    OwnerTokens() {
        byte[] bytes = new byte[8];
        new SecureRandom().nextBytes(bytes);
        StringBuilder sb = new StringBuilder(17);
        for (byte b : bytes) {
            sb.append(Character.forDigit((b >> 4) & 0xF, 16)).append(Character.forDigit(b & 0xF, 16));
        }
        this.prefix = sb.append('-').toString().getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    /** The prefix, then the counter in base 36: one string built from one array. */
    String next() {
        long n = counter.incrementAndGet();
        int digits = 1;
        for (long rest = n / 36; rest > 0; rest /= 36) {
            digits++;
        }
        byte[] token = java.util.Arrays.copyOf(prefix, prefix.length + digits);
        for (int i = token.length - 1; i >= prefix.length; i--) {
            token[i] = (byte) Character.forDigit((int) (n % 36), 36);
            n /= 36;
        }
        return new String(token, java.nio.charset.StandardCharsets.ISO_8859_1);
    }
}
