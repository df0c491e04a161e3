package dev.idempotency.internal;

/** Checks on UTF-16 text that the JDK leaves to its encoders, which replace a lone surrogate with {@code ?}. */
final class Utf16 {

    private Utf16() {
    }

    /** The index of the first surrogate that is not half of a pair, or -1. */
    static int loneSurrogate(CharSequence s) {
        int length = s.length();
        for (int i = 0; i < length; i++) {
            char c = s.charAt(i);
            if (Character.isSurrogate(c)) {
                if (Character.isHighSurrogate(c) && i + 1 < length && Character.isLowSurrogate(s.charAt(i + 1))) {
                    i++;
                } else {
                    return i;
                }
            }
        }
        return -1;
    }

    static boolean isWellFormed(CharSequence s) {
        return loneSurrogate(s) < 0;
    }

    /** {@code \}{@code uXXXX} for one UTF-16 unit: how a character that must not reach a log is named in one. */
    static String escape(char c) {
        return String.format("\\u%04X", (int) c);
    }

    /** The text with control characters (C0, DEL, C1) and lone surrogates escaped, safe to put in a message or log. */
    static String printable(String s) {
        StringBuilder sb = null;
        int length = s.length();
        for (int i = 0; i < length; i++) {
            char c = s.charAt(i);
            boolean bad = isControl(c) || isInvisible(c);
            if (!bad && Character.isSurrogate(c)) {
                boolean paired = Character.isHighSurrogate(c) ? i + 1 < length && Character.isLowSurrogate(s.charAt(i + 1))
                        : i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
                bad = !paired;
            }
            if (bad && sb == null) {
                sb = new StringBuilder(length + 16).append(s, 0, i);
            }
            if (bad) {
                sb.append(escape(c));
            } else if (sb != null) {
                sb.append(c);
            }
        }
        return sb == null ? s : sb.toString();
    }

    /** Format characters (bidi overrides, zero-width) and line or paragraph separators: text that hides in logs. */
    static boolean isInvisible(char c) {
        if (c < 0xAD) {
            return false;
        }
        int category = Character.getType(c);
        return category == Character.FORMAT || category == Character.LINE_SEPARATOR
                || category == Character.PARAGRAPH_SEPARATOR;
    }

    /** C0 controls (tab, newline and NUL among them), DEL and the C1 controls. */
    static boolean isControl(char c) {
        return c < 0x20 || (c >= 0x7F && c <= 0x9F);
    }
}
