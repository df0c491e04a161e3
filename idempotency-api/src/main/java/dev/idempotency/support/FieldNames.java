package dev.idempotency.support;

/**
 * The syntax of an HTTP field name, checked wherever the library takes one (key expressions, the servlet filter, the
 * client, the legacy signature scheme). Public only so that those modules can share it; it is not an API, and the
 * module exports it to them alone.
 */
public final class FieldNames {

    /** The delimiters of RFC 9110 section 5.6.2, which a token may not hold. */
    private static final String DELIMITERS = "()<>@,;:\\\"/[]?={}";

    private FieldNames() {
    }

    /** Whether the text is an RFC 9110 token (printable ASCII, no delimiter, not empty): a valid field name. */
    public static boolean isToken(String text) {
        return text != null && !text.isEmpty()
                && text.chars().allMatch(c -> c > 0x20 && c < 0x7F && DELIMITERS.indexOf(c) < 0);
    }
}
