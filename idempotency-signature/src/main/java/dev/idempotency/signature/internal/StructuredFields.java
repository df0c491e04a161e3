package dev.idempotency.signature.internal;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The part of RFC 8941 Structured Field Values that signatures need: dictionaries whose members are items or inner
 * lists, with parameters; bare items of every type. Parsing is strict (anything the RFC's algorithm fails on is
 * refused, with the position), because a lenient parser is where two parties start to disagree about what was signed.
 * Serialization is the RFC's canonical form, which is what the signature base is built from.
 */
public final class StructuredFields {

    private StructuredFields() {
    }

    /** A token, kept apart from a string because the two serialize differently. */
    public record Token(String value) {
    }

    /** A byte sequence; equal when the bytes are. */
    public record Bytes(byte[] value) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Bytes b && Arrays.equals(value, b.value);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(value);
        }

        @Override
        public String toString() {
            return ":" + Base64.getEncoder().encodeToString(value) + ":";
        }
    }

    /** An item: a bare value (Long, BigDecimal, String, Token, Bytes, Boolean) and its parameters, in order. */
    public record Item(Object value, Map<String, Object> params) {
        /** Keeps the map given: the parser hands over maps nobody else holds, signers pass immutable ones. */
        public Item {
            params = params.isEmpty() ? Map.of() : Collections.unmodifiableMap(params);
        }
    }

    /** An inner list: items and the list's own parameters, in order. */
    /**
     * An inner list: items and the list's own parameters, in order. {@code source} is the text it was parsed from when
     * that text is already in canonical form (then serializing is copying it), else null.
     */
    public record InnerList(List<Item> items, Map<String, Object> params, String source) {
        public InnerList {
            items = Collections.unmodifiableList(items);
            params = params.isEmpty() ? Map.of() : Collections.unmodifiableMap(params);
        }

        public InnerList(List<Item> items, Map<String, Object> params) {
            this(items, params, null);
        }
    }

    /** Refusal to parse; says what was expected and where. */
    public static final class ParseException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        ParseException(String message) {
            super(message);
        }
    }

    /** Parses a dictionary field value (several field lines joined with {@code ", "}); members are Item or InnerList. */
    public static Map<String, Object> parseDictionary(String input) {
        Parser p = new Parser(input);
        p.skipSp();
        Map<String, Object> dict = new LinkedHashMap<>();
        while (!p.end()) {
            String key = p.key();
            Object member;
            if (p.peek() == '=') {
                p.pos++;
                member = p.itemOrInnerList();
            } else {
                member = new Item(Boolean.TRUE, p.params());
            }
            dict.put(key, member);
            p.skipOws();
            if (p.end()) {
                break;
            }
            p.expect(',');
            p.skipOws();
            if (p.end()) {
                throw p.fail("a member after ','");
            }
        }
        return dict;
    }

    public static String serialize(InnerList list) {
        StringBuilder out = new StringBuilder(128);
        serialize(list, out);
        return out.toString();
    }

    /** Appends the inner list's canonical form: the signature base is built in one buffer. */
    public static void serialize(InnerList list, StringBuilder out) {
        if (list.source() != null) {
            out.append(list.source());   // received in canonical form: the same characters
            return;
        }
        out.append('(');
        for (int i = 0; i < list.items().size(); i++) {
            if (i > 0) {
                out.append(' ');
            }
            serialize(list.items().get(i), out);
        }
        out.append(')');
        serializeParams(list.params(), out);
    }

    public static String serialize(Item item) {
        StringBuilder out = new StringBuilder();
        serialize(item, out);
        return out.toString();
    }

    /** Serializes a dictionary of items and inner lists. */
    public static String serializeDictionary(Map<String, Object> dict) {
        StringBuilder out = new StringBuilder();
        for (Map.Entry<String, Object> e : dict.entrySet()) {
            if (out.length() > 0) {
                out.append(", ");
            }
            checkKey(e.getKey());
            out.append(e.getKey());
            Object v = e.getValue();
            if (v instanceof InnerList l) {
                out.append('=').append(serialize(l));
            } else {
                Item item = (Item) v;
                if (Boolean.TRUE.equals(item.value())) {
                    serializeParams(item.params(), out);
                } else {
                    out.append('=');
                    serialize(item, out);
                }
            }
        }
        return out.toString();
    }

    private static void serialize(Item item, StringBuilder out) {
        serializeBare(item.value(), out);
        serializeParams(item.params(), out);
    }

    private static void serializeParams(Map<String, Object> params, StringBuilder out) {
        if (params.isEmpty()) {
            return;
        }
        // keys are valid by construction: parsed ones were checked by the parser, signers use constants
        for (Map.Entry<String, Object> p : params.entrySet()) {
            out.append(';').append(p.getKey());
            if (!Boolean.TRUE.equals(p.getValue())) {
                out.append('=');
                serializeBare(p.getValue(), out);
            }
        }
    }

    private static void checkKey(String key) {
        boolean ok = !key.isEmpty() && (isLcAlpha(key.charAt(0)) || key.charAt(0) == '*');
        for (int i = 1; ok && i < key.length(); i++) {
            char c = key.charAt(i);
            ok = isLcAlpha(c) || isDigit(c) || c == '_' || c == '-' || c == '.' || c == '*';
        }
        if (!ok) {
            throw new IllegalArgumentException("not a structured field key: " + key);
        }
    }

    static void serializeBare(Object v, StringBuilder out) {
        if (v instanceof Long n) {
            if (Math.abs(n) > 999_999_999_999_999L) {
                throw new IllegalArgumentException("integer out of range: " + n);
            }
            out.append(n);
        } else if (v instanceof Integer n) {
            out.append(n);
        } else if (v instanceof BigDecimal d) {
            BigDecimal r = d.setScale(3, java.math.RoundingMode.HALF_EVEN).stripTrailingZeros();
            String s = r.scale() <= 0 ? r.setScale(1).toPlainString() : r.toPlainString();
            out.append(s);
        } else if (v instanceof String s) {
            out.append('"');
            boolean plain = true;
            for (int i = 0; i < s.length() && plain; i++) {
                char c = s.charAt(i);
                plain = c >= 0x20 && c <= 0x7E && c != '"' && c != '\\';
            }
            if (plain) {
                out.append(s).append('"');   // the common case: one copy, not a character at a time
                return;
            }
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                if (c < 0x20 || c > 0x7E) {
                    throw new IllegalArgumentException("a structured field string holds printable ASCII only");
                }
                if (c == '"' || c == '\\') {
                    out.append('\\');
                }
                out.append(c);
            }
            out.append('"');
        } else if (v instanceof Token t) {
            out.append(t.value());
        } else if (v instanceof Bytes b) {
            out.append(':').append(Base64.getEncoder().encodeToString(b.value())).append(':');
        } else if (v instanceof Boolean b) {
            out.append(b ? "?1" : "?0");
        } else {
            throw new IllegalArgumentException("not a structured field value: " + (v == null ? null : v.getClass()));
        }
    }

    private static boolean isLcAlpha(int c) {
        return c >= 'a' && c <= 'z';
    }

    private static boolean isAlpha(int c) {
        return isLcAlpha(c) || (c >= 'A' && c <= 'Z');
    }

    private static boolean isDigit(int c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isTchar(int c) {
        return isAlpha(c) || isDigit(c) || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
    }

    /** Keys every signature repeats, returned as constants rather than as a new string each time. */
    private static final String[] KNOWN_KEYS = {"created", "nonce", "keyid", "alg", "expires", "tag", "sig",
        "sha-256", "sha-512"};

    /**
     * Component names every signature repeats: returned as these constants, whose hash codes are computed once, rather
     * than as new strings that a {@code switch} or map would hash again.
     */
    private static final String[] KNOWN_STRINGS = {"@method", "@target-uri", "@authority", "@path", "@query",
        "@scheme", "@request-target", "content-digest", "content-type", "content-length", "idempotency-key", "date",
        "hmac-sha256", "ed25519"};

    private static final class Parser {
        private final String s;
        int pos;
        /** Whether what the current inner list has consumed is in canonical form. */
        boolean canonical = true;

        Parser(String s) {
            this.s = s;
        }

        /** The text from start to end: one of the constants if it is one, else a new string. */
        String known(String[] constants, int start, int end) {
            int length = end - start;
            char first = length == 0 ? 0 : s.charAt(start);
            for (String k : constants) {
                if (k.length() == length && k.charAt(0) == first && s.regionMatches(start, k, 0, length)) {
                    return k;
                }
            }
            return s.substring(start, end);
        }

        boolean end() {
            return pos >= s.length();
        }

        int peek() {
            return end() ? -1 : s.charAt(pos);
        }

        ParseException fail(String expected) {
            return new ParseException("expected " + expected + " at position " + pos);
        }

        void expect(char c) {
            if (peek() != c) {
                throw fail("'" + c + "'");
            }
            pos++;
        }

        void skipSp() {
            while (peek() == ' ') {
                pos++;
            }
        }

        void skipOws() {
            while (peek() == ' ' || peek() == '\t') {
                pos++;
            }
        }

        String key() {
            int c = peek();
            if (!(isLcAlpha(c) || c == '*')) {
                throw fail("a key (lowercase letter or '*')");
            }
            int start = pos;
            while (!end()) {
                c = peek();
                if (isLcAlpha(c) || isDigit(c) || c == '_' || c == '-' || c == '.' || c == '*') {
                    pos++;
                } else {
                    break;
                }
            }
            return known(KNOWN_KEYS, start, pos);
        }

        Object itemOrInnerList() {
            return peek() == '(' ? innerList() : item();
        }

        InnerList innerList() {
            int start = pos;
            boolean wasCanonical = canonical;
            canonical = true;
            expect('(');
            List<Item> items = new ArrayList<>(8);
            while (!end()) {
                int before = pos;
                skipSp();
                int spaces = pos - before;
                if (peek() == ')') {
                    pos++;
                    canonical &= spaces == 0;
                    Map<String, Object> params = params();
                    String source = canonical ? s.substring(start, pos) : null;
                    canonical = wasCanonical && canonical;
                    return new InnerList(items, params, source);
                }
                canonical &= spaces == (items.isEmpty() ? 0 : 1);
                items.add(item());
                int c = peek();
                if (c != ' ' && c != ')') {
                    throw fail("' ' or ')' in an inner list");
                }
            }
            throw fail("')' closing the inner list");
        }

        Item item() {
            Object bare = bareItem();
            return new Item(bare, params());
        }

        Map<String, Object> params() {
            if (peek() != ';') {
                return Map.of();
            }
            Map<String, Object> params = new LinkedHashMap<>();
            while (peek() == ';') {
                pos++;
                int before = pos;
                skipSp();
                canonical &= pos == before;
                String key = key();
                Object value = Boolean.TRUE;
                if (peek() == '=') {
                    pos++;
                    value = bareItem();
                    canonical &= !Boolean.TRUE.equals(value);   // canonical true is the bare key
                }
                params.put(key, value);
            }
            return params;
        }

        Object bareItem() {
            int c = peek();
            if (c == '-' || isDigit(c)) {
                return number();
            }
            if (c == '"') {
                return string();
            }
            if (c == '*' || isAlpha(c)) {
                return token();
            }
            if (c == ':') {
                return bytes();
            }
            if (c == '?') {
                pos++;
                int b = peek();
                if (b == '1' || b == '0') {
                    pos++;
                    return b == '1';
                }
                throw fail("?0 or ?1");
            }
            throw fail("an item");
        }

        Object number() {
            int start = pos;
            // the common case, a plain integer (created, expires): accumulated as it is read, no substring
            boolean negative = peek() == '-';
            int p = negative ? pos + 1 : pos;
            long n = 0;
            int digits = 0;
            while (p < s.length() && isDigit(s.charAt(p)) && digits < 16) {
                n = n * 10 + (s.charAt(p) - '0');
                p++;
                digits++;
            }
            if (digits > 0 && digits <= 15 && (p == s.length() || s.charAt(p) != '.')) {
                // "007" and "-0" mean 7 and 0, which serialize otherwise
                canonical &= !(digits > 1 && s.charAt(negative ? pos + 1 : pos) == '0') && !(negative && n == 0);
                pos = p;
                return negative ? -n : n;
            }
            canonical = false;   // decimals: rare here, so simply re-serialized
            if (peek() == '-') {
                pos++;
            }
            if (!isDigit(peek())) {
                throw fail("a digit");
            }
            boolean decimal = false;
            int digitsStart = pos;
            while (!end()) {
                int c = peek();
                if (isDigit(c)) {
                    pos++;
                } else if (c == '.' && !decimal) {
                    if (pos - digitsStart > 12) {
                        throw fail("at most 12 digits before a decimal point");
                    }
                    decimal = true;
                    pos++;
                } else {
                    break;
                }
                if (!decimal && pos - digitsStart > 15) {
                    throw fail("at most 15 digits in an integer");
                }
                if (decimal && pos - digitsStart > 16) {
                    throw fail("at most 16 characters in a decimal");
                }
            }
            String text = s.substring(start, pos);
            if (!decimal) {
                return Long.parseLong(text);
            }
            if (text.endsWith(".")) {
                throw fail("a digit after the decimal point");
            }
            if (text.length() - text.indexOf('.') - 1 > 3) {
                throw fail("at most 3 fractional digits");
            }
            return new BigDecimal(text);
        }

        String string() {
            expect('"');
            // the common case, no escapes: one substring, no builder
            for (int i = pos; i < s.length(); i++) {
                char c = s.charAt(i);
                if (c == '"') {
                    String plain = known(KNOWN_STRINGS, pos, i);
                    pos = i + 1;
                    return plain;
                }
                if (c == '\\' || c < 0x20 || c > 0x7E) {
                    break;
                }
            }
            StringBuilder out = new StringBuilder();
            while (!end()) {
                char c = s.charAt(pos++);
                if (c == '\\') {
                    if (end()) {
                        throw fail("an escaped character");
                    }
                    char next = s.charAt(pos++);
                    if (next != '"' && next != '\\') {
                        throw fail("only \\\" or \\\\ escapes");
                    }
                    out.append(next);
                } else if (c == '"') {
                    return out.toString();
                } else if (c < 0x20 || c > 0x7E) {
                    pos--;
                    throw fail("printable ASCII in a string");
                } else {
                    out.append(c);
                }
            }
            throw fail("'\"' closing the string");
        }

        Token token() {
            int start = pos;
            pos++;
            while (!end() && (isTchar(peek()) || peek() == ':' || peek() == '/')) {
                pos++;
            }
            return new Token(s.substring(start, pos));
        }

        Bytes bytes() {
            canonical = false;   // base64 has more than one spelling of the same bytes
            expect(':');
            int start = pos;
            while (!end() && peek() != ':') {
                int c = peek();
                if (!(isAlpha(c) || isDigit(c) || c == '+' || c == '/' || c == '=')) {
                    throw fail("base64 in a byte sequence");
                }
                pos++;
            }
            if (end()) {
                throw fail("':' closing the byte sequence");
            }
            String b64 = s.substring(start, pos);
            pos++;
            try {
                return new Bytes(Base64.getDecoder().decode(b64));
            } catch (IllegalArgumentException e) {
                throw new ParseException("not base64 in the byte sequence ending at position " + pos);
            }
        }
    }
}
