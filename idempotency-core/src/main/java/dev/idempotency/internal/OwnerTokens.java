package dev.idempotency.internal;

import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
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
        byte[] bytes = randomBytes(8);
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

    /**
     * Bytes from the operating system's random source. The prefix needs to be unpredictable to other processes only in
     * the sense of not colliding with theirs, and the kernel's generator gives that directly: where {@code /dev/urandom}
     * exists it is read (one small file read), which spares the process the first {@link SecureRandom}, whose
     * security-provider set-up cost tens of milliseconds at the first call of an application. A time, a process id or a
     * host name would not do: containers started together share all three. Elsewhere {@code SecureRandom} does it.
     */
    static byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        try (InputStream in = new FileInputStream("/dev/urandom")) {
            if (in.readNBytes(bytes, 0, n) == n) {
                return bytes;
            }
        } catch (IOException | SecurityException noDevice) {
            // not a Unix, or not allowed: the JDK's own source below
        }
        new SecureRandom().nextBytes(bytes);
        return bytes;
    }
}
