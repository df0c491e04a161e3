package dev.idempotency.signature.internal;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads the top-level fields of a flat JSON object for the legacy signature scheme, and nothing else: this module
 * takes no JSON library, and the scheme has no agreed form for nested values, so they are refused rather than
 * guessed at. Strict RFC 8259 syntax; duplicate names are refused (two parties could read them differently).
 */
public final class FlatJson {

    private final String s;
    private int pos;

    private FlatJson(String s) {
        this.s = s;
    }

    /** Field name to value text: strings unescaped, numbers and booleans as written; null fields left out. */
    public static Map<String, String> read(String json) {
        FlatJson r = new FlatJson(json);
        Map<String, String> out = new LinkedHashMap<>();
        java.util.Set<String> seen = new java.util.HashSet<>();
        r.ws();
        r.expect('{');
        r.ws();
        if (r.peek() == '}') {
            r.pos++;
        } else {
            while (true) {
                r.ws();
                String name = r.string();
                r.ws();
                r.expect(':');
                r.ws();
                String value = r.value(name);
                if (!seen.add(name)) {
                    throw new IllegalArgumentException("JSON field " + name + " appears twice");
                }
                if (value != null) {
                    out.put(name, value);
                }
                r.ws();
                if (r.peek() == ',') {
                    r.pos++;
                    continue;
                }
                r.expect('}');
                break;
            }
        }
        r.ws();
        if (r.pos != json.length()) {
            throw new IllegalArgumentException("content after the JSON object at position " + r.pos);
        }
        return out;
    }

    private int peek() {
        return pos < s.length() ? s.charAt(pos) : -1;
    }

    private void expect(char c) {
        if (peek() != c) {
            throw new IllegalArgumentException("expected '" + c + "' in JSON at position " + pos);
        }
        pos++;
    }

    private void ws() {
        while (peek() == ' ' || peek() == '\t' || peek() == '\n' || peek() == '\r') {
            pos++;
        }
    }

    private String value(String name) {
        int c = peek();
        if (c == '"') {
            return string();
        }
        if (c == '{' || c == '[') {
            throw new IllegalArgumentException("JSON field " + name + " is nested; only flat objects can be signed");
        }
        for (String literal : new String[] {"true", "false", "null"}) {
            if (s.startsWith(literal, pos)) {
                pos += literal.length();
                return literal.equals("null") ? null : literal;
            }
        }
        int start = pos;
        if (peek() == '-') {
            pos++;
        }
        if (peek() == '0') {
            pos++;
        } else if (peek() >= '1' && peek() <= '9') {
            digits();
        } else {
            throw new IllegalArgumentException("expected a JSON value at position " + pos);
        }
        if (peek() == '.') {
            pos++;
            if (digits() == 0) {
                throw new IllegalArgumentException("expected a digit at position " + pos);
            }
        }
        if (peek() == 'e' || peek() == 'E') {
            pos++;
            if (peek() == '+' || peek() == '-') {
                pos++;
            }
            if (digits() == 0) {
                throw new IllegalArgumentException("expected a digit at position " + pos);
            }
        }
        return s.substring(start, pos);
    }

    private int digits() {
        int start = pos;
        while (peek() >= '0' && peek() <= '9') {
            pos++;
        }
        return pos - start;
    }

    private String string() {
        expect('"');
        StringBuilder out = new StringBuilder();
        while (pos < s.length()) {
            char c = s.charAt(pos++);
            if (c == '"') {
                return out.toString();
            }
            if (c < 0x20) {
                throw new IllegalArgumentException("a control character in a JSON string at position " + (pos - 1));
            }
            if (c != '\\') {
                out.append(c);
                continue;
            }
            if (pos >= s.length()) {
                break;
            }
            char e = s.charAt(pos++);
            switch (e) {
                case '"', '\\', '/' -> out.append(e);
                case 'b' -> out.append('\b');
                case 'f' -> out.append('\f');
                case 'n' -> out.append('\n');
                case 'r' -> out.append('\r');
                case 't' -> out.append('\t');
                case 'u' -> {
                    if (pos + 4 > s.length()) {
                        throw new IllegalArgumentException("a short \\u escape in JSON at position " + pos);
                    }
                    try {
                        out.append((char) Integer.parseInt(s.substring(pos, pos + 4), 16));
                    } catch (NumberFormatException x) {
                        throw new IllegalArgumentException("a bad \\u escape in JSON at position " + pos);
                    }
                    pos += 4;
                }
                default -> throw new IllegalArgumentException("a bad escape in JSON at position " + (pos - 1));
            }
        }
        throw new IllegalArgumentException("an unterminated JSON string");
    }
}
