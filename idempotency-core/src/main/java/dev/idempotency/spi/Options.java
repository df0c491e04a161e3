package dev.idempotency.spi;

import dev.idempotency.internal.StoreUris;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/**
 * How every setting of the library reads its text, in one place and with one syntax, so that a duration written for
 * the annotation, the configuration, an agent argument or a store URI option means the same everywhere. For stores:
 * read your URI options with these methods and your users get the same errors as everywhere else.
 *
 * <ul>
 *   <li>durations: a whole number with a unit, {@code ms}, {@code s}, {@code m}, {@code h} or {@code d}
 *       ({@code 500ms}, {@code 30s}, {@code 10m}, {@code 24h}, {@code 7d}), or ISO-8601 ({@code PT10M}, {@code P1D});
 *       a bare number is refused, because nobody can tell its unit;</li>
 *   <li>booleans: {@code true} or {@code false}, in any case; nothing else;</li>
 *   <li>whole numbers: decimal digits, optionally signed;</li>
 *   <li>sizes: a whole number of bytes, optionally with a unit, {@code B}, {@code KB}/{@code KiB}, {@code MB}/{@code MiB}
 *       or {@code GB}/{@code GiB}, in any case ({@code 1048576}, {@code 512KB}, {@code 1MiB}). {@code KB} means
 *       1024 bytes, as {@code KiB} does: sizes here bound buffers, which nobody counts in thousands.</li>
 * </ul>
 *
 * <p>Each method throws {@link IllegalArgumentException} naming the setting and quoting the value; callers add where
 * the setting came from.
 *
 * <pre>{@code
 * Duration timeout = Options.positiveDuration("timeout", params.getOrDefault("timeout", "2s"));
 * long maxBody = Options.size("idempotency.http.maxBodySize", "512KiB");     // 524288
 * Boolean strict = Idempotency.setting("idempotency.http.strict", Options::bool);
 * }</pre>
 *
 * All methods are static, stateless and thread-safe.
 */
public final class Options {

    private Options() {
    }

    /**
     * The duration the text names; see the class comment for the syntax. Negative and zero durations are allowed.
     *
     * @param name  the setting's name, for the error message
     * @param value the text, surrounding spaces ignored; {@code null} is refused like blank text
     * @return the duration
     * @throws IllegalArgumentException if the text is not a duration in that syntax
     */
    public static Duration duration(String name, String value) {
        String v = value == null ? "" : value.trim();
        int digits = 0;
        while (digits < v.length() && v.charAt(digits) >= '0' && v.charAt(digits) <= '9') {
            digits++;
        }
        if (digits > 0 && digits <= 12) {
            long amount = Long.parseLong(v.substring(0, digits));
            switch (v.substring(digits)) {
                case "ms":
                    return Duration.ofMillis(amount);
                case "s":
                    return Duration.ofSeconds(amount);
                case "m":
                    return Duration.ofMinutes(amount);
                case "h":
                    return Duration.ofHours(amount);
                case "d":
                    return Duration.ofDays(amount);
                default:
                    break;
            }
        } else if (!v.isEmpty() && (v.charAt(0) == 'P' || v.charAt(0) == 'p' || v.startsWith("-P")
                || v.startsWith("-p") || v.startsWith("+P") || v.startsWith("+p"))) {
            try {
                return Duration.parse(v);
            } catch (DateTimeParseException | ArithmeticException e) {
                // the message below says what is accepted
            }
        }
        throw new IllegalArgumentException(name + " must be a duration such as 500ms, 30s, 10m, 24h or PT10M, but was "
                + quote(value));
    }

    /**
     * A duration that must be positive, at least one millisecond (stores and leases count in milliseconds).
     *
     * @param name  the setting's name, for the error message
     * @param value the text, in the syntax of {@link #duration}
     * @return the duration, at least one millisecond
     * @throws IllegalArgumentException if the text is not a duration, or one shorter than a millisecond
     */
    public static Duration positiveDuration(String name, String value) {
        Duration d = duration(name, value);
        if (d.isNegative() || d.toMillis() < 1) {
            throw new IllegalArgumentException(name + " must be at least 1ms, but was " + quote(value));
        }
        return d;
    }

    /**
     * {@code true} or {@code false}, in any case, surrounding spaces ignored.
     *
     * @param name  the setting's name, for the error message
     * @param value the text; {@code null} is refused
     * @return the boolean the text names
     * @throws IllegalArgumentException for any other text
     */
    public static boolean bool(String name, String value) {
        String v = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
        if (v.equals("true")) {
            return true;
        }
        if (v.equals("false")) {
            return false;
        }
        throw new IllegalArgumentException(name + " must be true or false, but was " + quote(value));
    }

    /**
     * A whole number that fits an {@code int}: decimal digits, optionally signed, surrounding spaces ignored.
     *
     * @param name  the setting's name, for the error message
     * @param value the text; {@code null} is refused
     * @return the number
     * @throws IllegalArgumentException if the text is not a whole number or does not fit an {@code int}
     */
    public static int integer(String name, String value) {
        try {
            return Integer.parseInt(value == null ? "" : value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a whole number, but was " + quote(value));
        }
    }

    /**
     * A size in bytes, not negative; see the class comment for the syntax. A fraction, a negative number, an unknown
     * unit and more than {@link Long#MAX_VALUE} bytes are refused.
     *
     * @param name  the setting's name, for the error message
     * @param value the text, surrounding spaces ignored; {@code null} is refused
     * @return the size in bytes, zero or more
     * @throws IllegalArgumentException if the text is not a size in that syntax
     */
    public static long size(String name, String value) {
        String v = value == null ? "" : value.trim();
        int digits = 0;
        while (digits < v.length() && v.charAt(digits) >= '0' && v.charAt(digits) <= '9') {
            digits++;
        }
        long unit = switch (v.substring(digits).trim().toUpperCase(Locale.ROOT)) {
            case "", "B" -> 1;
            case "KB", "KIB" -> 1L << 10;
            case "MB", "MIB" -> 1L << 20;
            case "GB", "GIB" -> 1L << 30;
            default -> -1;
        };
        if (digits > 0 && digits <= 15 && unit > 0) {
            return Long.parseLong(v.substring(0, digits)) * unit; // 15 digits times 2^30 fits a long
        }
        throw new IllegalArgumentException(name + " must be a size such as 1048576, 512KB or 1MB, but was "
                + quote(value));
    }

    /**
     * A store URI fit for a log line or an error message: user information (a password, also one with {@code /} or
     * {@code @} in it), query parameters named like secrets, and anything that cannot be read safely are masked.
     * A store should pass every URI it puts in a message or in {@link IdempotencyStore#describe()} through it.
     *
     * @param uri the store URI, or a text holding one; may be {@code null}
     * @return the text with its secrets masked, or {@code null} for {@code null}
     */
    public static String redact(String uri) {
        return StoreUris.redact(uri);
    }

    private static String quote(String value) {
        return value == null ? "null" : "'" + value + "'";
    }
}
