package dev.idempotency.internal;

/** UTF-8 lengths without encoding. */
final class Utf8 {

    private Utf8() {
    }

    /**
     * The UTF-8 length of {@code s}, counted until it passes {@code limit} (then some value above the limit). A lone
     * surrogate counts as the three bytes of its replacement.
     */
    static int length(String s, int limit) {
        int n = s.length();
        if ((long) n * 3 <= limit) {
            return n; // cannot exceed the limit whatever the characters: the exact size is not needed
        }
        long bytes = 0;
        for (int i = 0; i < n && bytes <= limit; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                bytes += 1;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
        }
        return (int) Math.min(bytes, Integer.MAX_VALUE);
    }
}
